import { formatScaled, tryParseScaledDecimal } from '../money';

export const QUANTITY_SCALE = 3;

export type QuantityParseResult =
  | { readonly ok: true; readonly milli: bigint }
  | { readonly ok: false; readonly message: string };

/**
 * Quantity (> 0, at most three decimals) as exact thousandths. A JSON number is read through
 * its shortest round-trip text (`String(1.5)` is "1.5"), so 0.1 stays 100 milli-units while a
 * float artefact like 0.30000000000000004 is rejected instead of rounded.
 */
export const parseQuantityMilli = (quantity: unknown): QuantityParseResult => {
  let text: unknown = quantity;
  if (typeof quantity === 'number') {
    if (!Number.isFinite(quantity)) return { ok: false, message: 'quantity must be a finite number' };
    text = String(quantity);
  }
  const parsed = tryParseScaledDecimal(text, QUANTITY_SCALE);
  if (!parsed.ok) {
    return {
      ok: false,
      message: `quantity must be a decimal number with at most ${QUANTITY_SCALE} decimals, like 2 or "0.125"`,
    };
  }
  if (parsed.value <= 0n) return { ok: false, message: 'quantity must be greater than 0' };
  if (parsed.value > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: 'quantity is too large' };
  return { ok: true, milli: parsed.value };
};

export const formatQuantityMilli = (milli: bigint | number): string =>
  formatScaled(BigInt(milli), QUANTITY_SCALE);
