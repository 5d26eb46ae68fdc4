import type { DbOrTrx } from '../../platform/db';
import { notFound } from '../../platform/errors';
import { decodeCursor, encodeCursor } from '../../platform/schemas';
import { storedReceiptView } from './receipt-view';
import type { ReceiptViewType } from './receipts.schemas';

export async function getReceiptOrThrow(
  db: DbOrTrx,
  tenantId: string,
  receiptId: string,
): Promise<ReceiptViewType> {
  const receipt = await db
    .selectFrom('receipt')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', receiptId)
    .executeTakeFirst();
  if (!receipt) throw notFound('Receipt', receiptId);
  const [lines, refunds] = await Promise.all([
    db
      .selectFrom('receipt_line')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('receipt_id', '=', receiptId)
      .orderBy('line_no')
      .execute(),
    db
      .selectFrom('receipt_refund')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('receipt_id', '=', receiptId)
      .orderBy('created_at')
      .execute(),
  ]);
  return storedReceiptView(receipt, lines, refunds);
}

type Cursor = [string, string];
const isCursor = (v: unknown): v is Cursor =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string');

export type ReceiptListFilter = {
  memberId?: string | undefined;
  storeId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};

/** Newest first by occurredAt (then id), keyset-paginated. */
export async function listReceipts(db: DbOrTrx, tenantId: string, f: ReceiptListFilter) {
  const after = decodeCursor(f.cursor, isCursor);
  let q = db
    .selectFrom('receipt')
    .select([
      'id',
      'member_id',
      'store_id',
      'terminal_id',
      'status',
      'occurred_at',
      'amount_minor',
      'discount_minor',
      'points_spent',
      'points_earned',
      'payable_minor',
      'refunded_amount_minor',
    ])
    .where('tenant_id', '=', tenantId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.memberId) q = q.where('member_id', '=', f.memberId);
  if (f.storeId) q = q.where('store_id', '=', f.storeId);
  if (f.from) q = q.where('occurred_at', '>=', new Date(f.from));
  if (f.to) q = q.where('occurred_at', '<', new Date(f.to));
  if (after) {
    const at = new Date(after[0]);
    q = q.where((eb) =>
      eb.or([eb('occurred_at', '<', at), eb.and([eb('occurred_at', '=', at), eb('id', '<', after[1])])]),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      receiptId: r.id,
      memberId: r.member_id,
      storeId: r.store_id,
      terminalId: r.terminal_id,
      status: r.status,
      occurredAt: r.occurred_at.toISOString(),
      amountMinor: r.amount_minor,
      discountMinor: r.discount_minor,
      pointsSpent: r.points_spent,
      pointsEarned: r.points_earned,
      payableMinor: r.payable_minor,
      refundedAmountMinor: r.refunded_amount_minor,
    })),
    nextCursor:
      rows.length > f.limit && last ? encodeCursor([last.occurred_at.toISOString(), last.id]) : null,
  };
}
