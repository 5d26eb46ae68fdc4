import type { Trx } from '../../platform/db';
import { runIdempotent } from '../../platform/idempotency';

/**
 * Contract: every state-changing POST accepts an Idempotency-Key. With a key, the work runs once
 * per (tenant, scope, key) inside the caller's transaction and a retry gets the stored response
 * (a different body under the same key is 409 `idempotency_key_reused`); without one it just runs.
 */
export async function maybeIdempotent<T>(
  trx: Trx,
  op: { tenantId: string; scope: string; key: string | undefined; request: unknown },
  status: number,
  work: () => Promise<T>,
): Promise<T> {
  if (op.key === undefined) return work();
  const key = op.key;
  const result = await runIdempotent<T>(
    trx,
    { tenantId: op.tenantId, scope: op.scope, key, request: op.request },
    async () => ({
      status,
      body: await work(),
    }),
  );
  return result.body;
}
