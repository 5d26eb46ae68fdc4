import { requestHash } from './crypto';
import type { Trx } from './db';
import { AppError } from './errors';
import { newId } from './ids';
import { sqlStatement } from './sql-statement';
import { json, WriteBatch } from './write-batch';

export type StoredResponse<T> = { status: number; body: T };

export type IdempotentResult<T> = StoredResponse<T> & { replayed: boolean; operationId: string };

// Every keyed write starts and ends here: hand-written statements, no query builder (ADR 0006).
const CLAIM = sqlStatement<{ id: string }>(
  `insert into operation (id, tenant_id, scope, key, request_hash, response_status, response_body)
   values ($1, $2, $3, $4, $5, null, null) on conflict (tenant_id, scope, key) do nothing returning id`,
);
const FIND = sqlStatement<{
  id: string;
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}>(
  'select id, request_hash, response_status, response_body from operation where tenant_id = $1 and scope = $2 and key = $3',
);

/**
 * Exactly-once execution of a client-retryable write, inside the caller's transaction.
 *
 * The operation row is inserted first with ON CONFLICT DO NOTHING. PostgreSQL makes a concurrent
 * insert of the same key wait until the first transaction ends: if that one commits, our insert
 * finds the row and we answer with its stored response (a replay that arrives while the first is
 * in flight waits for it); if it rolls back, our insert wins and we do the work. Only successful
 * outcomes are stored: a business failure throws, the transaction rolls back, and the key is free
 * for a corrected retry (contract: only 2xx responses are stored).
 *
 * With `batch`, the response is stored with the work's queued writes, all in one statement; the
 * batch is flushed here, after `work` returns.
 */
export async function runIdempotent<T>(
  trx: Trx,
  op: { tenantId: string; scope: string; key: string; request: unknown },
  work: (operationId: string) => Promise<StoredResponse<T>>,
  batch?: WriteBatch,
): Promise<IdempotentResult<T>> {
  const hash = requestHash(op.request);
  const id = newId('op');
  const inserted = await CLAIM.first(trx, [id, op.tenantId, op.scope, op.key, hash]);

  if (!inserted) {
    const existing = await FIND.first(trx, [op.tenantId, op.scope, op.key]);
    if (!existing) throw new Error(`operation ${op.scope}/${op.key} vanished after a key conflict`);
    if (existing.request_hash !== hash) {
      throw new AppError(
        'idempotency_key_reused',
        `The key '${op.key}' was already used with a different request body; use a new key for a new operation.`,
      );
    }
    if (existing.response_status === null) {
      // Only reachable on a single-connection engine if a caller nests operations wrongly.
      throw new AppError(
        'idempotency_in_flight',
        'The same operation is still being processed; retry shortly.',
      );
    }
    return {
      status: existing.response_status,
      body: existing.response_body as T,
      replayed: true,
      operationId: existing.id,
    };
  }

  const result = await work(id);
  const writes = batch ?? new WriteBatch();
  writes.write(
    (p) =>
      `update operation set response_status = ${p(result.status)}, response_body = ${p(json(result.body))} where id = ${p(id)}`,
  );
  await writes.flush(trx);
  return { ...result, replayed: false, operationId: id };
}

/** Looks up a finished operation without taking part in it (e.g. a GET of a stored result). */
export function findOperation(trx: Trx, tenantId: string, scope: string, key: string) {
  return trx
    .selectFrom('operation')
    .select(['id', 'request_hash', 'response_status', 'response_body', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
}
