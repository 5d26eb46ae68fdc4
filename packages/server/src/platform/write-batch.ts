import type { Insertable } from 'kysely';
import type { Database } from './database';
import type { DbOrTrx } from './db';
import { executeSql } from './sql-statement';

/** Appends a value to the statement's parameters and returns its placeholder (`$n`). */
export type Param = (value: unknown) => string;

/** A value for a jsonb column: sent as JSON text with a `::jsonb` cast. */
export class JsonParam {
  constructor(readonly value: unknown) {}
}

export const json = (value: unknown): JsonParam => new JsonParam(value);

/**
 * One piece of a batch: rows to insert, or updates keyed so that later writes of the same rows
 * merge into it. `render` returns one data-modifying statement, or null when there is nothing left.
 */
export type BatchPart = { render(param: Param): string | null };

class InsertPart implements BatchPart {
  readonly rows: Record<string, unknown>[] = [];
  constructor(
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {}

  render(param: Param): string | null {
    if (this.rows.length === 0) return null;
    const tuples = this.rows.map((row) => `(${this.columns.map((c) => param(row[c])).join(', ')})`);
    return `insert into ${this.table} (${this.columns.join(', ')}) values ${tuples.join(', ')}`;
  }
}

/**
 * The writes of one operation, sent as a single statement: each part becomes a data-modifying CTE
 * (`with w0 as (insert …), w1 as (update …) select 1`). That turns the 6–10 write round trips of a
 * purchase into one (ADR 0006). The parts run on one snapshot and cannot see each other's rows, so
 * a batch holds only writes that do not depend on one another, and never two changes of one row —
 * parts merge those (e.g. an account's balance is set once, with its last value). Foreign keys and
 * CHECK constraints are checked as for separate statements; an error fails the whole statement,
 * and so the transaction, exactly as it would have failed the statement that caused it.
 *
 * Rows inserted into one table with the same columns go into one multi-row INSERT in the order
 * they were added, so serial ids (posting and history order) keep the order of the calls.
 */
export class WriteBatch {
  readonly #parts = new Map<string, BatchPart>();
  #oneOff = 0;

  /** The part registered under `key`, created on first use; later writes merge into it. */
  part<P extends BatchPart>(key: string, create: () => P): P {
    let part = this.#parts.get(key) as P | undefined;
    if (!part) {
      part = create();
      this.#parts.set(key, part);
    }
    return part;
  }

  insert<T extends keyof Database & string>(table: T, rows: readonly Insertable<Database[T]>[]): void {
    for (const row of rows as readonly Record<string, unknown>[]) {
      const columns = Object.keys(row).filter((c) => row[c] !== undefined);
      const part = this.part(`insert:${table}:${columns.join(',')}`, () => new InsertPart(table, columns));
      part.rows.push(row);
    }
  }

  /** A write that merges with nothing (e.g. storing an operation's response). */
  write(render: (param: Param) => string): void {
    this.#parts.set(`write:${this.#oneOff++}`, { render });
  }

  get isEmpty(): boolean {
    return this.#parts.size === 0;
  }

  /** Sends every queued write as one statement (nothing when empty) and starts over. */
  async flush(db: DbOrTrx): Promise<void> {
    if (this.#parts.size === 0) return;
    const params: unknown[] = [];
    const param: Param = (value) => {
      if (value instanceof JsonParam) {
        params.push(JSON.stringify(value.value));
        return `$${params.length}::jsonb`;
      }
      params.push(value);
      return `$${params.length}`;
    };
    const statements: string[] = [];
    for (const part of this.#parts.values()) {
      const text = part.render(param);
      if (text !== null) statements.push(text);
    }
    this.#parts.clear();
    if (statements.length === 0) return;
    const text =
      statements.length === 1
        ? statements[0]!
        : `with ${statements.map((s, i) => `w${i} as (${s})`).join(', ')} select 1`;
    await executeSql(db, text, params);
  }
}
