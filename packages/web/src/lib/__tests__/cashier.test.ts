import { describe, expect, it } from 'vitest';
import { buildReceiptLines, clampPoints, parseScan, receiptMemberRef } from '../cashier';
import { refundableMilli } from '../refund';

describe('cashier screen logic', () => {
  it('tells a QR code from a card number in a scan', () => {
    expect(parseScan(' kq1.abc.def.ghi \n')).toEqual({ qrToken: 'kq1.abc.def.ghi' });
    expect(parseScan('2990000000019')).toEqual({ cardNumber: '2990000000019' });
    expect(parseScan('2990 0000 0001-9')).toEqual({ cardNumber: '2990000000019' });
    expect(parseScan('   ')).toBeUndefined();
    expect(parseScan('no way!')).toBeUndefined();
  });

  it('builds receipt lines with ids, quantities and amounts, and names the bad fields', () => {
    const r = buildReceiptLines([
      { key: 'a', sku: ' LATTE ', category: 'coffee', quantity: '2', price: '250' },
      { key: 'b', sku: 'CAKE', category: 'food', quantity: '1,5', price: '99,99' },
      { key: 'c', sku: 'X', category: '', quantity: '0', price: 'free' },
    ]);
    expect(r.lines).toEqual([
      { lineId: '1', sku: 'LATTE', category: 'coffee', quantity: '2', amountMinor: 50000 },
      { lineId: '2', sku: 'CAKE', category: 'food', quantity: '1.5', amountMinor: 14999 },
    ]);
    expect(r.problems).toEqual([
      { key: 'c', field: 'quantity' },
      { key: 'c', field: 'price' },
    ]);
  });

  it('keeps the points to spend within the cap', () => {
    expect(clampPoints(500, 150)).toBe(150);
    expect(clampPoints(99.7, 150)).toBe(99);
    expect(clampPoints(-3, 150)).toBe(0);
    expect(clampPoints(Number.NaN, 150)).toBe(0);
    expect(clampPoints(10, -1)).toBe(0);
  });

  it('sends the phone with its code, and the member id once a QR code named the member', () => {
    expect(receiptMemberRef(null, null)).toBeUndefined();
    expect(receiptMemberRef({ phone: '+79160000001' }, 'mbr_1')).toEqual({ phone: '+79160000001' });
    expect(receiptMemberRef({ phone: '+79160000001', otp: '123456' }, 'mbr_1')).toEqual({
      phone: '+79160000001',
      otp: '123456',
    });
    expect(receiptMemberRef({ qrToken: 'kq1.x' }, null)).toEqual({ qrToken: 'kq1.x' });
    expect(receiptMemberRef({ qrToken: 'kq1.x' }, 'mbr_1')).toEqual({ memberId: 'mbr_1' });
    expect(receiptMemberRef({ cardNumber: '29900' }, 'mbr_1')).toEqual({ cardNumber: '29900' });
  });

  it('knows how much of a line can still be refunded', () => {
    expect(refundableMilli({ quantity: '2' })).toBe(2000);
    expect(refundableMilli({ quantity: '2', refundedQuantity: '1' })).toBe(1000);
    expect(refundableMilli({ quantity: '1.5', refundedQuantity: '1.5' })).toBe(0);
    expect(refundableMilli({ quantity: '2', refundedQuantity: '0' })).toBe(2000);
  });
});
