import type { ReceiptCalculation } from '@kopilka/domain/receipts';
import { formatQuantityMilli } from '@kopilka/domain/receipts';
import type { ReceiptViewType } from './receipts.schemas';
import type { ReceiptLineRow, ReceiptRefundRow, ReceiptRow } from './receipts.table';

export type Balance = { available: number; pending: number } | null;

/** The contract's receipt body from a fresh calculation (calculate and confirm answer with it). */
export function calculationView(
  calc: ReceiptCalculation,
  status: string,
  extra: {
    memberId: string | null;
    storeId: string | null;
    terminalId: string | null;
    balance: Balance;
    earns: boolean;
  },
): ReceiptViewType {
  return {
    receiptId: calc.receiptId,
    status,
    memberId: extra.memberId,
    occurredAt: calc.occurredAt.toISOString(),
    storeId: extra.storeId,
    terminalId: extra.terminalId,
    totals: { ...calc.totals },
    lines: calc.lines.map((l) => ({
      lineId: l.lineId,
      sku: l.sku,
      category: l.category,
      quantity: l.quantity,
      discountPercent: l.discountPercent,
      amountMinor: l.amountMinor,
      discountMinor: l.discountMinor,
      pointsSpent: l.pointsSpent,
      pointsSpentMinor: l.pointsSpentMinor,
      payableMinor: l.payableMinor,
      pointsEarned: l.pointsEarned,
    })),
    effects: calc.effects.map((e) => ({ ...e, lineIds: [...e.lineIds] })),
    earn: {
      points: calc.earn.points,
      activatesAt: extra.earns && calc.earn.points > 0 ? calc.earn.activatesAt.toISOString() : null,
      expiresAt:
        extra.earns && calc.earn.points > 0 && calc.earn.expiresAt ? calc.earn.expiresAt.toISOString() : null,
    },
    coupons: { applied: [...calc.coupons.applied], unused: [...calc.coupons.unused] },
    balance: extra.balance,
    freeDelivery: calc.freeDelivery,
  };
}

export type StoredRefundLine = {
  lineId: string;
  quantity: string;
  amountMinor: number;
  pointsReturned: number;
  pointsRevoked: number;
};

export function refundRowView(r: ReceiptRefundRow) {
  return {
    refundId: r.id,
    kind: r.kind,
    createdAt: r.created_at.toISOString(),
    amountMinor: r.amount_minor,
    pointsReturned: r.points_returned,
    pointsRevoked: r.points_revoked,
    pointsWrittenOff: r.points_written_off,
    lines: r.lines as StoredRefundLine[],
  };
}

/** A stored receipt as GET /v1/receipts/{id} shows it: figures as confirmed, status and refunds now. */
export function storedReceiptView(
  r: ReceiptRow,
  lines: ReceiptLineRow[],
  refunds: ReceiptRefundRow[],
): ReceiptViewType {
  const earn = r.earn as { points: number; activatesAt: string | null; expiresAt: string | null };
  return {
    receiptId: r.id,
    status: r.status,
    memberId: r.member_id,
    occurredAt: r.occurred_at.toISOString(),
    confirmedAt: r.confirmed_at.toISOString(),
    storeId: r.store_id,
    terminalId: r.terminal_id,
    totals: {
      amountMinor: r.amount_minor,
      discountMinor: r.discount_minor,
      pointsSpent: r.points_spent,
      pointsSpentMinor: r.points_spent_minor,
      payableMinor: r.payable_minor,
      pointsEarned: r.points_earned,
      maxPointsToSpend: r.points_spent,
    },
    lines: lines.map((l) => ({
      lineId: l.line_id,
      sku: l.sku,
      category: l.category,
      quantity: formatQuantityMilli(l.quantity_milli),
      discountPercent: l.discount_percent,
      amountMinor: l.amount_minor,
      discountMinor: l.discount_minor,
      pointsSpent: l.points_spent,
      pointsSpentMinor: l.points_spent_minor,
      payableMinor: l.payable_minor,
      pointsEarned: l.points_earned,
      refundedQuantity: formatQuantityMilli(l.refunded_quantity_milli),
    })),
    effects: r.effects as ReceiptViewType['effects'],
    earn,
    coupons: r.coupons as ReceiptViewType['coupons'],
    balance: null,
    refunds: refunds.map(refundRowView),
  };
}
