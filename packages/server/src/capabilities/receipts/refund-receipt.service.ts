import { allocateSpendReturn, type LotPoints } from '@kopilka/domain/ledger';
import { computeRefund, type RefundRequestLine } from '@kopilka/domain/receipts';
import { sql } from 'kysely';
import type { Trx } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { runIdempotent } from '../../platform/idempotency';
import { releaseCampaignUsage } from '../campaigns/campaigns.service';
import { emitEvent } from '../events/events.service';
import { returnToWallet, revokeFromWallet, walletBalance } from '../ledger/ledger.service';
import { openWallet, POINTS } from '../ledger/wallet.service';
import { getProgramAt } from '../program/program.service';
import { onReceiptRefunded } from '../tiers/tiers.service';
import type { StoredRefundLine } from './receipt-view';
import type { RefundResultType } from './receipts.schemas';
import type { ReceiptStatus } from './receipts.table';

export const REFUND_SCOPE = 'receipt.refund';
export const CANCEL_SCOPE = 'receipt.cancel';

type RefundRequest = {
  kind: 'refund' | 'cancel';
  refundId: string;
  receiptId: string;
  lines?: RefundRequestLine[] | undefined;
};

/**
 * Refund (per line and quantity, or everything left) and cancel share one path. Lock order is the
 * member's accounts first, then the receipt row — the same order confirm uses — so a refund
 * racing a purchase of the same member cannot deadlock.
 */
export async function refundReceipt(trx: Trx, tenantId: string, req: RefundRequest, now: Date) {
  const scope = req.kind === 'cancel' ? CANCEL_SCOPE : REFUND_SCOPE;
  const key = req.kind === 'cancel' ? req.receiptId : req.refundId;
  const request =
    req.kind === 'cancel'
      ? { receiptId: req.receiptId }
      : { receiptId: req.receiptId, lines: req.lines ?? null };
  return runIdempotent<RefundResultType>(trx, { tenantId, scope, key, request }, async (operationId) => {
    const peek = await trx
      .selectFrom('receipt')
      .select(['member_id', 'spend_allocation', 'earn_lot_id'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', req.receiptId)
      .executeTakeFirst();
    if (!peek) throw notFound('Receipt', req.receiptId);
    // member_id, the spend allocation and the earned lot never change after confirm, so they can
    // be read before the locks are taken in the fixed order: wallet, then receipt.
    const allocation = peek.spend_allocation as LotPoints[];
    const wallet0 = peek.member_id
      ? await openWallet(
          trx,
          { tenantId, memberId: peek.member_id, currency: POINTS },
          {
            now,
            extraLotIds: [...allocation.map((a) => a.lotId), ...(peek.earn_lot_id ? [peek.earn_lot_id] : [])],
          },
        )
      : null;
    const receipt = await trx
      .selectFrom('receipt')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', req.receiptId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const refunds = await trx
      .selectFrom('receipt_refund')
      .select(['returned_lots'])
      .where('tenant_id', '=', tenantId)
      .where('receipt_id', '=', req.receiptId)
      .execute();
    const alreadyReturned = refunds.flatMap((r) => r.returned_lots as LotPoints[]);

    if (receipt.status === 'cancelled') {
      throw new AppError(
        'receipt_cancelled',
        `Receipt '${req.receiptId}' was cancelled; nothing can be refunded.`,
      );
    }
    const lines = await trx
      .selectFrom('receipt_line')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('receipt_id', '=', req.receiptId)
      .orderBy('line_no')
      .execute();
    const computed = computeRefund(
      lines.map((l) => ({
        lineId: l.line_id,
        quantityMilli: l.quantity_milli,
        amountMinor: l.amount_minor,
        discountMinor: l.discount_minor,
        pointsSpentMinor: l.points_spent_minor,
        payableMinor: l.payable_minor,
        pointsSpent: l.points_spent,
        pointsEarned: l.points_earned,
        refundedQuantityMilli: l.refunded_quantity_milli,
      })),
      req.kind === 'cancel' ? undefined : req.lines,
    );
    if (!computed.ok) {
      if (computed.code === 'refund_exceeds_receipt') {
        throw new AppError(
          'refund_exceeds_receipt',
          `The refund asks for more than is left to refund: ${computed.lines.map((l) => `line ${l.lineId}: asked ${l.requestedQuantity}, left ${l.remainingQuantity}`).join('; ')}.`,
          { lines: computed.lines },
        );
      }
      throw new AppError(
        'validation_failed',
        `The refund is invalid: ${computed.problems.map((p) => p.message).join('; ')}`,
        computed.problems.map((p) => ({
          field: `body.${p.field.replace(/\[(\d+)\]/g, '.$1')}`,
          message: p.message,
        })),
      );
    }
    const refund = computed.refund;
    if (req.kind === 'refund' && refund.lines.length === 0) {
      throw new AppError(
        'refund_exceeds_receipt',
        `Everything on receipt '${req.receiptId}' has already been refunded.`,
      );
    }

    const { program } = await getProgramAt(trx, tenantId, now);
    const ctx = { operationId, now, receiptId: req.receiptId };
    let wallet = wallet0;
    let returnedLots: LotPoints[] = [];
    let pointsWrittenOff = 0;
    if (wallet && refund.totals.pointsReturned > 0) {
      returnedLots = allocateSpendReturn({
        spent: allocation,
        returned: alreadyReturned,
        points: refund.totals.pointsReturned,
      });
      wallet = await returnToWallet(trx, wallet, returnedLots, { ...ctx, entryKind: 'refund_return' });
    }
    if (wallet && receipt.earn_lot_id && refund.totals.pointsRevoked > 0) {
      const revoked = await revokeFromWallet(
        trx,
        wallet,
        { lotId: receipt.earn_lot_id, points: refund.totals.pointsRevoked, policy: program.refund.policy },
        { ...ctx, entryKind: 'refund_revoke' },
      );
      wallet = revoked.wallet;
      pointsWrittenOff = revoked.pointsWrittenOff;
    }

    const byLine = new Map(refund.lines.map((l) => [l.lineId, l]));
    const changed = lines.filter((l) => byLine.has(l.line_id));
    if (changed.length > 0) {
      const values = sql.join(
        changed.map(
          (l) => sql`(${l.line_no}::int, ${byLine.get(l.line_id)!.refundedQuantityMilliAfter}::bigint)`,
        ),
      );
      await sql`update receipt_line set refunded_quantity_milli = v.q from (values ${values}) as v(n, q)
        where receipt_line.tenant_id = ${tenantId} and receipt_line.receipt_id = ${req.receiptId} and receipt_line.line_no = v.n`.execute(
        trx,
      );
    }
    const status: ReceiptStatus =
      req.kind === 'cancel' ? 'cancelled' : refund.receiptFullyRefunded ? 'refunded' : 'partially_refunded';
    await trx
      .updateTable('receipt')
      .set({ status, refunded_amount_minor: receipt.refunded_amount_minor + refund.totals.amountMinor })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', req.receiptId)
      .execute();
    const storedLines: StoredRefundLine[] = refund.lines.map((l) => ({
      lineId: l.lineId,
      quantity: l.quantity,
      amountMinor: l.amountMinor,
      pointsReturned: l.pointsReturned,
      pointsRevoked: l.pointsRevoked,
    }));
    await trx
      .insertInto('receipt_refund')
      .values({
        tenant_id: tenantId,
        id: req.kind === 'cancel' ? `cancel:${req.receiptId}` : req.refundId,
        receipt_id: req.receiptId,
        kind: req.kind,
        lines: sql`${JSON.stringify(storedLines)}::jsonb`,
        returned_lots: sql`${JSON.stringify(returnedLots)}::jsonb`,
        amount_minor: refund.totals.amountMinor,
        points_returned: refund.totals.pointsReturned,
        points_revoked: refund.totals.pointsRevoked,
        points_written_off: pointsWrittenOff,
        created_at: now,
        operation_id: operationId,
      })
      .execute();
    await releaseCampaignUsage(trx, {
      tenantId,
      memberId: receipt.member_id,
      receiptId: req.receiptId,
      kind: req.kind,
      fullyReversed: status !== 'partially_refunded',
      now,
    });
    if (receipt.member_id && refund.totals.amountMinor > 0) {
      await onReceiptRefunded(trx, {
        tenantId,
        memberId: receipt.member_id,
        receiptId: req.receiptId,
        refundedPayableMinor: refund.totals.amountMinor,
        now,
      });
    }
    const balance = wallet ? walletBalance(wallet, now) : null;
    const body: RefundResultType = {
      refundId: req.kind === 'cancel' ? `cancel:${req.receiptId}` : req.refundId,
      receiptId: req.receiptId,
      status,
      pointsReturned: refund.totals.pointsReturned,
      pointsRevoked: refund.totals.pointsRevoked,
      pointsWrittenOff,
      amountMinor: refund.totals.amountMinor,
      lines: storedLines,
      balance: balance ? { available: balance.available, pending: balance.pending } : null,
    };
    await emitEvent(trx, {
      tenantId,
      type: req.kind === 'cancel' ? 'receipt.cancelled' : 'receipt.refunded',
      memberId: receipt.member_id,
      payload: body,
      at: now,
    });
    return { status: req.kind === 'cancel' ? 200 : 201, body };
  });
}
