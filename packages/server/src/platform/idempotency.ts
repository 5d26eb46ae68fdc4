import { sql } from 'kysely';
import { requestHash } from './crypto';
import type { Trx } from './db';
import { AppError } from './errors';
import { newId } from './ids';

export type StoredResponse<T> = { status: number; body: T };

export type IdempotentResult<T> = StoredResponse<T> & { replayed: boolean; operationId: string };

/**
 * Exactly-once execution of a client-retryable write, inside the caller's transaction.
 *
 * The operation row is inserted first with ON CONFLICT DO NOTHING. PostgreSQL makes a concurrent
 * insert of the same key wait until the first transaction ends: if that one commits, our insert
 * finds the row and we answer with its stored response (a replay that arrives while the first is
 * in flight waits for it); if it rolls back, our insert wins and we do the work. Only successful
 * outcomes are stored: a business failure throws, the transaction rolls back, and the key is free
 * for a corrected retry (contract: only 2xx responses are stored).
 */
export async function runIdempotent<T>(
  trx: Trx,
  op: { tenantId: string; scope: string; key: string; request: unknown },
  work: (operationId: string) => Promise<StoredResponse<T>>,
): Promise<IdempotentResult<T>> {
  const hash = requestHash(op.request);
  const id = newId('op');
  const inserted = await trx
    .insertInto('operation')
    .values({
      id,
      tenant_id: op.tenantId,
      scope: op.scope,
      key: op.key,
      request_hash: hash,
      response_status: null,
      response_body: null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'scope', 'key']).doNothing())
    .returning('id')
    .executeTakeFirst();

  if (!inserted) {
    const existing = await trx
      .selectFrom('operation')
      .select(['id', 'request_hash', 'response_status', 'response_body'])
      .where('tenant_id', '=', op.tenantId)
      .where('scope', '=', op.scope)
      .where('key', '=', op.key)
      .executeTakeFirstOrThrow();
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
  await trx
    .updateTable('operation')
    .set({ response_status: result.status, response_body: sql`${JSON.stringify(result.body)}::jsonb` })
    .where('id', '=', id)
    .execute();
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
