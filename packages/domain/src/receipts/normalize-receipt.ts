import { parseQuantityMilli } from './parse-quantity';
import type { ReceiptInput, ReceiptProblem } from './receipt-types';

// Same rule as every client-chosen identifier in the API contract.
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export type NormalizedLine = {
  readonly index: number;
  readonly lineId: string;
  readonly sku: string;
  readonly category: string;
  readonly quantityMilli: bigint;
  readonly amountMinor: bigint;
};

export type NormalizedReceipt = {
  readonly receiptId: string;
  readonly occurredAt: Date;
  readonly storeId: string | null;
  /** Sales channel; a receipt that names none is a cash register's ('pos'). */
  readonly channel: string;
  readonly lines: readonly NormalizedLine[];
  readonly amountMinor: bigint;
  readonly coupons: readonly string[];
  readonly pointsToSpend: bigint;
};

const isValidDate = (value: unknown): value is Date =>
  value instanceof Date && !Number.isNaN(value.getTime());

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Checks a receipt and converts it to exact integers; every problem is reported, not just the first. */
export const normalizeReceipt = (
  receipt: ReceiptInput,
  now: Date,
): { ok: true; receipt: NormalizedReceipt } | { ok: false; problems: ReceiptProblem[] } => {
  const problems: ReceiptProblem[] = [];
  if (typeof receipt.receiptId !== 'string' || !CLIENT_ID_PATTERN.test(receipt.receiptId)) {
    problems.push({
      code: 'invalid_receipt_id',
      field: 'receipt.receiptId',
      message: 'receiptId must be 1–128 characters of letters, digits, ".", "_", ":" or "-".',
    });
  }
  const occurredAt = receipt.occurredAt ?? now;
  if (!isValidDate(occurredAt)) {
    problems.push({
      code: 'invalid_occurred_at',
      field: 'receipt.occurredAt',
      message: 'occurredAt must be a valid instant.',
    });
  }

  const lines: NormalizedLine[] = [];
  const seenLineIds = new Set<string>();
  if (!Array.isArray(receipt.lines) || receipt.lines.length === 0) {
    problems.push({
      code: 'no_lines',
      field: 'receipt.lines',
      message: 'A receipt needs at least one line.',
    });
  }
  (Array.isArray(receipt.lines) ? receipt.lines : []).forEach((line, index) => {
    const field = `receipt.lines[${index}]`;
    if (typeof line !== 'object' || line === null) {
      problems.push({ code: 'invalid_line_text', field, message: 'Each line must be an object.' });
      return;
    }
    let valid = true;
    if (typeof line.lineId !== 'string' || !CLIENT_ID_PATTERN.test(line.lineId)) {
      valid = false;
      problems.push({
        code: 'invalid_line_id',
        field: `${field}.lineId`,
        message: 'lineId must be 1–128 characters of letters, digits, ".", "_", ":" or "-".',
      });
    } else if (seenLineIds.has(line.lineId)) {
      valid = false;
      problems.push({
        code: 'duplicate_line_id',
        field: `${field}.lineId`,
        message: `lineId "${line.lineId}" appears more than once; give every line its own id.`,
      });
    } else {
      seenLineIds.add(line.lineId);
    }
    for (const key of ['sku', 'category'] as const) {
      if (typeof line[key] !== 'string') {
        valid = false;
        problems.push({
          code: 'invalid_line_text',
          field: `${field}.${key}`,
          message: `${key} must be a string.`,
        });
      }
    }
    const quantity = parseQuantityMilli(line.quantity);
    if (!quantity.ok) {
      valid = false;
      problems.push({
        code: 'invalid_quantity',
        field: `${field}.quantity`,
        message: `${quantity.message}.`,
      });
    }
    if (
      typeof line.amountMinor !== 'number' ||
      !Number.isSafeInteger(line.amountMinor) ||
      line.amountMinor < 0
    ) {
      valid = false;
      problems.push({
        code: 'invalid_amount',
        field: `${field}.amountMinor`,
        message: 'amountMinor must be a whole number of minor units, 0 or more.',
      });
    }
    if (valid && quantity.ok) {
      lines.push({
        index,
        lineId: line.lineId,
        sku: line.sku,
        category: line.category,
        quantityMilli: quantity.milli,
        amountMinor: BigInt(line.amountMinor),
      });
    }
  });
  const amountMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0n);
  if (amountMinor > MAX_SAFE) {
    problems.push({
      code: 'amount_too_large',
      field: 'receipt.lines',
      message: `The receipt total must not exceed ${Number.MAX_SAFE_INTEGER} minor units.`,
    });
  }

  const coupons = receipt.coupons ?? [];
  if (
    !Array.isArray(coupons) ||
    !coupons.every((coupon) => typeof coupon === 'string' && coupon.trim().length > 0)
  ) {
    problems.push({
      code: 'invalid_coupons',
      field: 'receipt.coupons',
      message: 'coupons must be a list of non-empty codes.',
    });
  }
  const pointsToSpend = receipt.pointsToSpend ?? 0;
  if (typeof pointsToSpend !== 'number' || !Number.isSafeInteger(pointsToSpend) || pointsToSpend < 0) {
    problems.push({
      code: 'invalid_points_to_spend',
      field: 'receipt.pointsToSpend',
      message: 'pointsToSpend must be a whole number of points, 0 or more.',
    });
  }

  if (problems.length > 0 || !isValidDate(occurredAt)) return { ok: false, problems };
  return {
    ok: true,
    receipt: {
      receiptId: receipt.receiptId,
      occurredAt,
      storeId: typeof receipt.storeId === 'string' ? receipt.storeId : null,
      channel: typeof receipt.channel === 'string' && receipt.channel !== '' ? receipt.channel : 'pos',
      lines,
      amountMinor,
      coupons: [...coupons],
      pointsToSpend: BigInt(pointsToSpend),
    },
  };
};
