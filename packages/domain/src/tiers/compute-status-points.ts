import { floorDivide, parseDecimal } from '../money';

/**
 * Status points (qualifying, never spendable) for the money paid on a receipt: `rate` per major
 * currency unit, computed exactly and rounded down once per receipt.
 */
export const computeStatusPoints = (input: {
  readonly payableMinor: number;
  readonly statusPointsPerUnit: string;
  readonly minorUnitsPerMajor: bigint;
}): number => {
  if (input.payableMinor <= 0) return 0;
  const rate = parseDecimal(input.statusPointsPerUnit);
  return Number(floorDivide(BigInt(input.payableMinor) * rate.num, rate.den * input.minorUnitsPerMajor));
};

/**
 * What is left of a receipt's status points after refunds: the share of the money still kept,
 * rounded down, so refunding everything takes back exactly what was earned.
 */
export const computeStatusPointsKept = (input: {
  readonly earned: number;
  readonly payableMinor: number;
  readonly refundedMinor: number;
}): number => {
  if (input.payableMinor <= 0) return 0;
  const kept = Math.max(0, input.payableMinor - input.refundedMinor);
  return Number(floorDivide(BigInt(input.earned) * BigInt(kept), BigInt(input.payableMinor)));
};
