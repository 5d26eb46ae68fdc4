import { getMinorUnitsPerMajor } from '@kopilka/domain/money';
import { computeStatusPoints, computeStatusPointsKept, type TierLadder } from '@kopilka/domain/tiers';
import type { Trx } from '../../platform/db';
import { accrueToWallet, createInternalOperation, revokeFromWallet } from '../ledger/ledger.service';
import { openWallet } from '../ledger/wallet.service';
import { getProgramAt } from '../program/program.service';
import { STATUS_CURRENCY } from './tiers.repository';

// Status points: a second ledger currency ('status') that qualifies for tiers and is never
// spendable (receipts and adjustments only ever spend 'points'). One lot per receipt, activated at
// the receipt's time so the qualifying window counts it by when the purchase happened.

export async function accrueStatusPoints(
  trx: Trx,
  ladder: TierLadder,
  input: {
    tenantId: string;
    memberId: string;
    receiptId: string;
    payableMinor: number;
    occurredAt: Date;
    now: Date;
  },
): Promise<void> {
  if (ladder.statusPointsPerUnit === undefined) return;
  const { program } = await getProgramAt(trx, input.tenantId, input.occurredAt);
  const points = computeStatusPoints({
    payableMinor: input.payableMinor,
    statusPointsPerUnit: ladder.statusPointsPerUnit,
    minorUnitsPerMajor: getMinorUnitsPerMajor(program.currency),
  });
  if (points <= 0) return;
  // Blocked members earn nothing on their receipts (they are priced like anonymous ones).
  const member = await trx
    .selectFrom('member')
    .select('status')
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.memberId)
    .executeTakeFirst();
  if (member?.status !== 'active') return;
  const wallet = await openWallet(
    trx,
    { tenantId: input.tenantId, memberId: input.memberId, currency: STATUS_CURRENCY },
    { now: input.now },
  );
  const operationId = await createInternalOperation(trx, input.tenantId, 'tier.status_points');
  const activatesAt = new Date(Math.min(input.occurredAt.getTime(), input.now.getTime()));
  await accrueToWallet(
    trx,
    wallet,
    { points, activatesAt, expiresAt: null },
    { operationId, now: input.now, receiptId: input.receiptId, entryKind: 'status_earn' },
  );
}

export async function revokeStatusPoints(
  trx: Trx,
  input: { tenantId: string; memberId: string; receiptId: string; now: Date },
): Promise<void> {
  const { tenantId, memberId, receiptId } = input;
  const lotRow = await trx
    .selectFrom('lot')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('currency', '=', STATUS_CURRENCY)
    .where('receipt_id', '=', receiptId)
    .executeTakeFirst();
  if (!lotRow) return;
  const wallet = await openWallet(
    trx,
    { tenantId, memberId, currency: STATUS_CURRENCY },
    { now: input.now, extraLotIds: [lotRow.id] },
  );
  const lot = wallet.state.lots.find((l) => l.lotId === lotRow.id);
  const receipt = await trx
    .selectFrom('receipt')
    .select(['payable_minor', 'refunded_amount_minor'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', receiptId)
    .executeTakeFirstOrThrow();
  if (!lot) return;
  const kept = computeStatusPointsKept({
    earned: lot.amount,
    payableMinor: receipt.payable_minor,
    refundedMinor: receipt.refunded_amount_minor,
  });
  const revoke = lot.remaining - kept;
  if (revoke <= 0) return;
  const operationId = await createInternalOperation(trx, tenantId, 'tier.status_points');
  await revokeFromWallet(
    trx,
    wallet,
    { lotId: lot.lotId, points: revoke, policy: 'clamp' },
    { operationId, now: input.now, receiptId, entryKind: 'status_revoke' },
  );
}
