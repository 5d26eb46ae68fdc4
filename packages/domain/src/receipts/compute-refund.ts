import { computeIncrementalShare } from '../money';
import { formatQuantityMilli, parseQuantityMilli } from './parse-quantity';

/** A confirmed line's figures (as `calculateReceipt` returned them) and what was refunded so far. */
export type RefundableLine = {
  readonly lineId: string;
  readonly quantityMilli: number;
  readonly amountMinor: number;
  readonly discountMinor: number;
  readonly pointsSpentMinor: number;
  readonly payableMinor: number;
  readonly pointsSpent: number;
  readonly pointsEarned: number;
  /** Quantity (thousandths) already refunded by earlier refunds of this receipt. */
  readonly refundedQuantityMilli: number;
};

export type RefundRequestLine = { readonly lineId: string; readonly quantity: string | number };

/** What a refund gives back, per line and in total. */
export type RefundTotals = {
  /** Money to give back: the refunded quantity's share of `payableMinor`. */
  readonly amountMinor: number;
  /** Shares of the line's other figures, for the fiscal refund receipt (54-FZ). */
  readonly grossAmountMinor: number;
  readonly discountMinor: number;
  readonly pointsSpentMinor: number;
  /** Points that paid for this quantity, going back to the member. */
  readonly pointsReturned: number;
  /** Points earned on this quantity, taken back. */
  readonly pointsRevoked: number;
};

export type RefundLineResult = RefundTotals & {
  readonly lineId: string;
  readonly quantity: string;
  readonly quantityMilli: number;
  /** Refunded quantity of the line after this refund. */
  readonly refundedQuantityMilliAfter: number;
};

export type RefundComputation = {
  /** Lines with a refunded quantity, in receipt order. */
  readonly lines: readonly RefundLineResult[];
  readonly totals: RefundTotals;
  /** Every line is fully refunded after this refund. */
  readonly receiptFullyRefunded: boolean;
};

export type RefundProblem = {
  readonly code: 'no_lines' | 'unknown_line_id' | 'duplicate_line_id' | 'invalid_quantity';
  readonly field: string;
  readonly message: string;
};

export type RefundExcess = {
  readonly lineId: string;
  readonly requestedQuantity: string;
  readonly remainingQuantity: string;
};

export type ComputeRefundResult =
  | { readonly ok: true; readonly refund: RefundComputation }
  | { readonly ok: false; readonly code: 'invalid_refund'; readonly problems: readonly RefundProblem[] }
  | { readonly ok: false; readonly code: 'refund_exceeds_receipt'; readonly lines: readonly RefundExcess[] };

const remainingOf = (line: RefundableLine): bigint =>
  BigInt(line.quantityMilli) - BigInt(line.refundedQuantityMilli);

/** Requested quantities by line index, or the typed reason the request cannot be read. */
const readRequest = (
  lines: readonly RefundableLine[],
  requested: readonly RefundRequestLine[] | undefined,
): { ok: true; quantities: bigint[] } | { ok: false; problems: RefundProblem[] } => {
  // No lines = everything not yet refunded (also what a cancel reverses).
  if (requested === undefined) return { ok: true, quantities: lines.map(remainingOf) };
  if (requested.length === 0) {
    return {
      ok: false,
      problems: [
        {
          code: 'no_lines',
          field: 'lines',
          message: 'List at least one line to refund, or omit "lines" to refund everything.',
        },
      ],
    };
  }
  const problems: RefundProblem[] = [];
  const quantities = lines.map(() => 0n);
  const indexById = new Map(lines.map((line, index) => [line.lineId, index]));
  const seen = new Set<string>();
  requested.forEach((request, position) => {
    const field = `lines[${position}]`;
    const index = indexById.get(request.lineId);
    if (index === undefined) {
      problems.push({
        code: 'unknown_line_id',
        field: `${field}.lineId`,
        message: `The receipt has no line "${request.lineId}".`,
      });
      return;
    }
    if (seen.has(request.lineId)) {
      problems.push({
        code: 'duplicate_line_id',
        field: `${field}.lineId`,
        message: `Line "${request.lineId}" is listed twice; list each line once with its total quantity.`,
      });
      return;
    }
    seen.add(request.lineId);
    const quantity = parseQuantityMilli(request.quantity);
    if (!quantity.ok) {
      problems.push({
        code: 'invalid_quantity',
        field: `${field}.quantity`,
        message: `${quantity.message}.`,
      });
      return;
    }
    quantities[index] = quantity.milli;
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, quantities };
};

/**
 * Per-line refund figures, proportional to quantity. Each figure is the difference of two
 * cumulative shares, round(refunded × total / quantity) after minus before, so any sequence of
 * partial refunds that ends with the whole quantity gives back exactly the line's totals — no
 * point or kopeck is lost or created, whatever the order and split.
 */
export const computeRefund = (
  lines: readonly RefundableLine[],
  requested?: readonly RefundRequestLine[],
): ComputeRefundResult => {
  const request = readRequest(lines, requested);
  if (!request.ok) return { ok: false, code: 'invalid_refund', problems: request.problems };
  const excess: RefundExcess[] = [];
  lines.forEach((line, index) => {
    const quantity = request.quantities[index] ?? 0n;
    if (quantity > remainingOf(line)) {
      excess.push({
        lineId: line.lineId,
        requestedQuantity: formatQuantityMilli(quantity),
        remainingQuantity: formatQuantityMilli(remainingOf(line)),
      });
    }
  });
  const totalRequested = request.quantities.reduce((sum, quantity) => sum + quantity, 0n);
  // Refunding "everything" when nothing is left is refunding more than was bought.
  if (excess.length > 0 || totalRequested === 0n) {
    return { ok: false, code: 'refund_exceeds_receipt', lines: excess };
  }

  const refundLines: RefundLineResult[] = [];
  lines.forEach((line, index) => {
    const quantity = request.quantities[index] ?? 0n;
    if (quantity === 0n) return;
    const whole = BigInt(line.quantityMilli);
    const before = BigInt(line.refundedQuantityMilli);
    const after = before + quantity;
    const share = (total: number): number =>
      Number(computeIncrementalShare(BigInt(total), before, after, whole));
    const amountMinor = share(line.payableMinor);
    const discountMinor = share(line.discountMinor);
    const pointsSpentMinor = share(line.pointsSpentMinor);
    refundLines.push({
      lineId: line.lineId,
      quantity: formatQuantityMilli(quantity),
      quantityMilli: Number(quantity),
      amountMinor,
      // Derived, so that gross = payable + discount + points money holds on every refund too.
      grossAmountMinor: amountMinor + discountMinor + pointsSpentMinor,
      discountMinor,
      pointsSpentMinor,
      pointsReturned: share(line.pointsSpent),
      pointsRevoked: share(line.pointsEarned),
      refundedQuantityMilliAfter: Number(after),
    });
  });
  const sum = (pick: (line: RefundLineResult) => number): number =>
    refundLines.reduce((total, line) => total + pick(line), 0);
  return {
    ok: true,
    refund: {
      lines: refundLines,
      totals: {
        amountMinor: sum((line) => line.amountMinor),
        grossAmountMinor: sum((line) => line.grossAmountMinor),
        discountMinor: sum((line) => line.discountMinor),
        pointsSpentMinor: sum((line) => line.pointsSpentMinor),
        pointsReturned: sum((line) => line.pointsReturned),
        pointsRevoked: sum((line) => line.pointsRevoked),
      },
      receiptFullyRefunded: lines.every(
        (line, index) => remainingOf(line) === (request.quantities[index] ?? 0n),
      ),
    },
  };
};
