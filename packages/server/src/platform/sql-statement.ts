import { CompiledQuery } from 'kysely';
import type { DbOrTrx } from './db';

/**
 * A statement of a hot path, written once as SQL text with `$n` parameters and executed as it is.
 * Kysely's builder and compiler cost more Node CPU per confirm than everything else the server
 * does for it (ADR 0006), so the handful of statements a purchase sends skip them; everything else
 * keeps using the builder. The row type is the caller's promise, checked by the tests that run the
 * statement on both engines.
 */
export type SqlStatement<Row> = {
  readonly text: string;
  rows(db: DbOrTrx, params: readonly unknown[]): Promise<Row[]>;
  first(db: DbOrTrx, params: readonly unknown[]): Promise<Row | undefined>;
};

export function sqlStatement<Row>(text: string): SqlStatement<Row> {
  const rows = async (db: DbOrTrx, params: readonly unknown[]) =>
    (await db.executeQuery<Row>(CompiledQuery.raw(text, params as unknown[]))).rows;
  return {
    text,
    rows,
    first: async (db, params) => (await rows(db, params))[0],
  };
}

/** Runs a statement whose text is built per call (e.g. a multi-row VALUES list) without Kysely's compiler. */
export async function executeSql<Row>(db: DbOrTrx, text: string, params: readonly unknown[]) {
  return db.executeQuery<Row>(CompiledQuery.raw(text, params as unknown[]));
}
