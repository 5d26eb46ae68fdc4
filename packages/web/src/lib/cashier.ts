import { parseMoneyToMinor } from './money';
import { lineAmountMinor, milliToQuantity, parseQuantityMilli } from './quantity';
import type { MemberRef } from './types';

// The cashier screen's pure parts: what a scan means, and the receipt the draft lines make.

/** A keyboard-wedge scan: the rotating QR code from the member's phone, or a card number. */
export function parseScan(text: string): MemberRef | undefined {
  const value = text.trim();
  if (!value) return undefined;
  if (/^kq1\./.test(value)) return { qrToken: value };
  const digits = value.replace(/[\s-]/g, '');
  if (/^[A-Za-z0-9]{4,40}$/.test(digits)) return { cardNumber: digits };
  return undefined;
}

export type DraftLine = { key: string; sku: string; category: string; quantity: string; price: string };

export type ReceiptLineBody = {
  lineId: string;
  sku: string;
  category: string;
  quantity: string;
  amountMinor: number;
};

export type LineProblem = { key: string; field: 'quantity' | 'price' };

export function buildReceiptLines(
  lines: readonly DraftLine[],
  currencyDigits = 2,
): { lines: ReceiptLineBody[]; problems: LineProblem[] } {
  const out: ReceiptLineBody[] = [];
  const problems: LineProblem[] = [];
  lines.forEach((l, i) => {
    const milli = parseQuantityMilli(l.quantity);
    const price = parseMoneyToMinor(l.price, currencyDigits);
    if (milli === undefined) problems.push({ key: l.key, field: 'quantity' });
    if (price === undefined) problems.push({ key: l.key, field: 'price' });
    if (milli === undefined || price === undefined) return;
    out.push({
      lineId: String(i + 1),
      sku: l.sku.trim(),
      category: l.category.trim(),
      quantity: milliToQuantity(milli),
      amountMinor: lineAmountMinor(price, milli),
    });
  });
  return { lines: out, problems };
}

/** Points to spend, kept within 0 … cap. */
export function clampPoints(wanted: number, cap: number): number {
  if (!Number.isFinite(wanted) || wanted <= 0) return 0;
  return Math.min(Math.floor(wanted), Math.max(0, cap));
}

/** The member reference a receipt carries: a phone needs its verified code to spend points. */
export function receiptMemberRef(ref: MemberRef | null, memberId: string | null): MemberRef | undefined {
  if (!ref) return undefined;
  if ('phone' in ref) return ref.otp ? { phone: ref.phone, otp: ref.otp } : { phone: ref.phone };
  // A QR code lives for about a minute; once it named the member, the member id carries on.
  if ('qrToken' in ref && memberId) return { memberId };
  return ref;
}
