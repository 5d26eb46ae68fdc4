import { type PGlite, parse, protocol, TransactionAbortedError } from '@electric-sql/pglite';
import {
  AbortedTransactionError,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  PGliteDialect,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

// Kysely's PGlite driver runs every query through `PGlite.query()`, which crosses into WebAssembly
// six times per statement (parse, describe the statement to learn the parameter types, bind,
// describe the portal, execute, sync), parses and plans the SQL every time, and parses each answer
// separately. On the embedded engine that per-statement work, not the data, is most of a purchase.
// This driver:
// - sends parse, bind, describe, execute and sync as one message (one call into WebAssembly), with
//   the parameters as text exactly as node-postgres sends them, so both engines see the same values;
// - prepares each distinct statement text once (a named statement, kept for the session, at most
//   MAX_PREPARED, least recently used closed first) and afterwards only binds and executes it, which
//   halves the cost of a typical statement; PostgreSQL re-plans a prepared statement by itself when
//   the tables under it change;
// - sends statements without parameters (COMMIT, DDL) as one simple query, and BEGIN together
//   with the transaction's first statement.
// Measured in ADR 0006.
//
// Kysely still serializes all use of the one PGlite connection (the adapter reports
// `supportsMultipleConnections = false`), and nothing else may use the PGlite instance
// (docs/decisions/0001-embedded-pglite.md).

const MAX_PREPARED = 1000;

const { serialize } = protocol;

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return arrayLiteral(v);
    const text = toText(v) ?? '';
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}

/** A parameter as PostgreSQL's text format, the way node-postgres prepares it. */
export function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return `\\x${Buffer.from(bytes).toString('hex')}`;
  }
  return JSON.stringify(value);
}

class OneCallConnection implements DatabaseConnection {
  /** statement text -> prepared statement name, least recently used first */
  readonly #prepared = new Map<string, string>();
  #sequence = 0;
  /** BEGIN goes out with the transaction's first statement, in the same call. */
  #pendingBegin: Uint8Array | null = null;

  constructor(private readonly pglite: PGlite) {}

  begin(statement: string): void {
    this.#pendingBegin = serialize.query(statement);
  }

  /** Ends a transaction; false when it never reached the database (no statement ran in it). */
  async end(statement: 'commit' | 'rollback'): Promise<(QueryResult<unknown> & { command?: string }) | null> {
    if (this.#pendingBegin) {
      this.#pendingBegin = null;
      return null;
    }
    return this.run(serialize.query(statement));
  }

  async run(message: Uint8Array): Promise<QueryResult<unknown> & { command?: string }> {
    const begin = this.#pendingBegin;
    this.#pendingBegin = null;
    const { messages } = await this.pglite.execProtocol(begin ? concat([begin, message]) : message);
    const results = parse.parseResults(messages, this.pglite.parsers, { rowMode: 'object' });
    // A simple query of several statements answers each; the last is the one asked for.
    const last = results[results.length - 1];
    return {
      rows: (last?.rows ?? []) as unknown[],
      ...(last?.affectedRows != null ? { numAffectedRows: BigInt(last.affectedRows) } : {}),
      ...(last?.command ? { command: last.command } : {}),
    };
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const text = compiled.sql;
    const params = compiled.parameters;
    if (params.length === 0) return (await this.run(serialize.query(text))) as QueryResult<R>;
    const parts: Uint8Array[] = [];
    let name = this.#prepared.get(text);
    if (name !== undefined) {
      this.#prepared.delete(text); // most recently used last
      this.#prepared.set(text, name);
    } else {
      if (this.#prepared.size >= MAX_PREPARED) {
        const [oldText, oldName] = this.#prepared.entries().next().value as [string, string];
        this.#prepared.delete(oldText);
        parts.push(serialize.close({ type: 'S', name: oldName }));
      }
      name = `kopilka_${this.#sequence++}`;
      this.#prepared.set(text, name);
      parts.push(serialize.parse({ text, name }));
    }
    parts.push(
      serialize.bind({ statement: name, values: params.map(toText) }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    );
    try {
      return (await this.run(concat(parts))) as QueryResult<R>;
    } catch (err) {
      // The statement may not exist (its parse failed, e.g. in an aborted transaction) or may no
      // longer fit its tables: forget it; it is prepared again on next use, under a new name.
      this.#prepared.delete(text);
      await this.run(concat([serialize.close({ type: 'S', name }), serialize.sync()])).catch(() => {});
      throw err;
    }
  }

  // biome-ignore lint/correctness/useYield: PGlite cannot stream results
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by PGlite.');
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The longest the embedded engine's users run before the event loop gets a turn (see below). */
const YIELD_EVERY_MS = 10;

class OneCallDriver implements Driver {
  #connection: OneCallConnection | null = null;
  #yieldedAt = 0;

  constructor(private readonly pglite: PGlite) {}

  async init(): Promise<void> {
    await this.pglite.waitReady;
    this.#connection = new OneCallConnection(this.pglite);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#connection) throw new Error('PGlite driver is not initialized');
    // PGlite runs on this thread, and its calls continue each other as microtasks: a job that
    // loops over transactions (coupon generation, expiry, the demo load) would never let the event
    // loop read a waiting HTTP request until the whole job is done. A turn of the event loop at an
    // acquisition, at least every YIELD_EVERY_MS, lets pending requests in; Kysely's mutex then
    // serves them between the job's transactions. (A turn at every acquisition cost up to a fifth
    // of the confirm throughput at 32 connections.)
    if (performance.now() - this.#yieldedAt >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.#yieldedAt = performance.now();
    }
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const options = [
      ...(settings.isolationLevel ? [`isolation level ${settings.isolationLevel}`] : []),
      ...(settings.accessMode ? [settings.accessMode] : []),
    ];
    (connection as OneCallConnection).begin(
      options.length > 0 ? `start transaction ${options.join(', ')}` : 'begin',
    );
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const r = await (connection as OneCallConnection).end('commit');
    // COMMIT of a transaction that already failed answers ROLLBACK: nothing was written.
    if (r?.command === 'ROLLBACK')
      throw new AbortedTransactionError({ cause: new TransactionAbortedError() });
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as OneCallConnection).end('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as OneCallConnection).run(serialize.query(`savepoint ${quoteIdent(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as OneCallConnection).run(serialize.query(`rollback to savepoint ${quoteIdent(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as OneCallConnection).run(serialize.query(`release savepoint ${quoteIdent(name)}`));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

/** Kysely's PGlite dialect (adapter, compiler, introspector) with the one-call driver above. */
export class OneCallPGliteDialect extends PGliteDialect {
  constructor(private readonly instance: PGlite) {
    super({ pglite: instance });
  }

  override createDriver(): Driver {
    return new OneCallDriver(this.instance);
  }
}
