import type { RefundPolicy } from '@kopilka/domain/ledger';
import { type Db, inTransaction } from '../../../platform/db';
import { AppError } from '../../../platform/errors';
import { newId } from '../../../platform/ids';
import {
  accrueToWallet,
  createInternalOperation,
  getBalance,
  revokeFromWallet,
  spendFromWallet,
} from '../ledger.service';
import { verifyLedger } from '../ledger-verify.service';
import { openWallet, POINTS } from '../wallet.service';

export function walletRef(tenantId: string, memberId = newId('mbr')) {
  return { tenantId, memberId, currency: POINTS };
}

export async function accrue(
  db: Db,
  ref: ReturnType<typeof walletRef>,
  points: number,
  now: Date,
  opts: { activatesAt?: Date; expiresAt?: Date | null } = {},
) {
  return inTransaction(db, async (trx) => {
    const operationId = await createInternalOperation(trx, ref.tenantId, 'test:accrue');
    const wallet = await openWallet(trx, ref, { now });
    const r = await accrueToWallet(
      trx,
      wallet,
      { points, activatesAt: opts.activatesAt ?? now, expiresAt: opts.expiresAt ?? null },
      { operationId, now },
    );
    return r.lotId!;
  });
}

export async function spend(db: Db, ref: ReturnType<typeof walletRef>, points: number, now: Date) {
  return inTransaction(db, async (trx) => {
    const operationId = await createInternalOperation(trx, ref.tenantId, 'test:spend');
    const wallet = await openWallet(trx, ref, { now });
    const r = await spendFromWallet(trx, wallet, { points }, { operationId, now });
    if (!r.ok) throw new AppError('insufficient_points', `only ${r.available}`);
    return r.allocation;
  });
}

export async function revoke(
  db: Db,
  ref: ReturnType<typeof walletRef>,
  lotId: string,
  points: number,
  policy: RefundPolicy,
  now: Date,
) {
  return inTransaction(db, async (trx) => {
    const operationId = await createInternalOperation(trx, ref.tenantId, 'test:revoke');
    const wallet = await openWallet(trx, ref, { now, extraLotIds: [lotId] });
    return (await revokeFromWallet(trx, wallet, { lotId, points, policy }, { operationId, now }))
      .pointsWrittenOff;
  });
}

export function verify(db: Db, tenantId: string, policy: RefundPolicy = 'debt') {
  return verifyLedger(db, { tenantId, policyOf: async () => policy });
}

export { getBalance };
