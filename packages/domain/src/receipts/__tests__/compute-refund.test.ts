import { describe, expect, it } from 'vitest';
import { computeRefund, type RefundableLine } from '../index';

const confirmed = (overrides: Partial<RefundableLine> = {}): RefundableLine => ({
  lineId: '1',
  quantityMilli: 3000,
  amountMinor: 30000,
  discountMinor: 1000,
  pointsSpentMinor: 9000,
  payableMinor: 20000,
  pointsSpent: 90,
  pointsEarned: 10,
  refundedQuantityMilli: 0,
  ...overrides,
});

describe('computeRefund', () => {
  it('no lines = everything not yet refunded', () => {
    const result = computeRefund([confirmed(), confirmed({ lineId: '2', refundedQuantityMilli: 1000 })]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.refund.lines.map((l) => [l.lineId, l.quantity])).toEqual([
      ['1', '3'],
      ['2', '2'],
    ]);
    expect(result.refund.lines[0]).toEqual({
      lineId: '1',
      quantity: '3',
      quantityMilli: 3000,
      amountMinor: 20000,
      grossAmountMinor: 30000,
      discountMinor: 1000,
      pointsSpentMinor: 9000,
      pointsReturned: 90,
      pointsRevoked: 10,
      refundedQuantityMilliAfter: 3000,
    });
    expect(result.refund.receiptFullyRefunded).toBe(true);
  });

  it('one of three, then the remaining two: exactly the line totals', () => {
    const first = computeRefund([confirmed()], [{ lineId: '1', quantity: 1 }]);
    const second = computeRefund(
      [confirmed({ refundedQuantityMilli: 1000 })],
      [{ lineId: '1', quantity: '2' }],
    );
    if (!first.ok || !second.ok) throw new Error('expected both refunds to pass');
    // 10 earned points / 3 = 3.33 → 3, then 10 − 3 = 7
    expect(first.refund.totals).toEqual({
      amountMinor: 6667,
      grossAmountMinor: 10000,
      discountMinor: 333,
      pointsSpentMinor: 3000,
      pointsReturned: 30,
      pointsRevoked: 3,
    });
    expect(first.refund.receiptFullyRefunded).toBe(false);
    expect(second.refund.totals).toEqual({
      amountMinor: 13333,
      grossAmountMinor: 20000,
      discountMinor: 667,
      pointsSpentMinor: 6000,
      pointsReturned: 60,
      pointsRevoked: 7,
    });
    expect(second.refund.receiptFullyRefunded).toBe(true);
  });

  it('fractional quantities', () => {
    const result = computeRefund(
      [confirmed({ quantityMilli: 1500, payableMinor: 999, pointsEarned: 1 })],
      [{ lineId: '1', quantity: '0.75' }],
    );
    if (!result.ok) throw new Error('expected ok');
    // 999 / 2 = 499.5 → 500 (half up); 1 point / 2 = 0.5 → 1
    expect(result.refund.lines[0]).toMatchObject({ amountMinor: 500, pointsRevoked: 1, quantity: '0.75' });
  });

  it.each([
    { why: 'more than bought', lines: [confirmed()], request: [{ lineId: '1', quantity: 4 }] },
    {
      why: 'more than what is left',
      lines: [confirmed({ refundedQuantityMilli: 2500 })],
      request: [{ lineId: '1', quantity: 1 }],
    },
    {
      why: 'everything, when nothing is left',
      lines: [confirmed({ refundedQuantityMilli: 3000 })],
      request: undefined,
    },
  ])('refund_exceeds_receipt: $why', ({ lines, request }) => {
    expect(computeRefund(lines, request)).toMatchObject({ ok: false, code: 'refund_exceeds_receipt' });
  });

  it('says which line is over and by how much', () => {
    expect(
      computeRefund([confirmed({ refundedQuantityMilli: 2500 })], [{ lineId: '1', quantity: 1 }]),
    ).toEqual({
      ok: false,
      code: 'refund_exceeds_receipt',
      lines: [{ lineId: '1', requestedQuantity: '1', remainingQuantity: '0.5' }],
    });
  });

  it.each([
    { request: [], code: 'no_lines' },
    { request: [{ lineId: '9', quantity: 1 }], code: 'unknown_line_id' },
    {
      request: [
        { lineId: '1', quantity: 1 },
        { lineId: '1', quantity: 1 },
      ],
      code: 'duplicate_line_id',
    },
    { request: [{ lineId: '1', quantity: 0 }], code: 'invalid_quantity' },
    { request: [{ lineId: '1', quantity: '0.0001' }], code: 'invalid_quantity' },
  ])('invalid request: $code', ({ request, code }) => {
    const result = computeRefund([confirmed()], request);
    expect(result).toMatchObject({ ok: false, code: 'invalid_refund', problems: [{ code }] });
  });
});
