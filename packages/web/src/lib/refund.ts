import { parseQuantityMilli } from './quantity';

/** How much of each line may still be refunded, in thousandths. */
export function refundableMilli(line: { quantity: string; refundedQuantity?: string }): number {
  const bought = parseQuantityMilli(line.quantity) ?? 0;
  const refunded = line.refundedQuantity ? (parseQuantityMilli(line.refundedQuantity) ?? 0) : 0;
  return Math.max(0, bought - refunded);
}
