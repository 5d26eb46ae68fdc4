import { assertPoints } from './ledger-points';
import type { LotPoints } from './ledger-types';

/**
 * Splits a partial return of a spend over the lots that spend took, in proportion to what each lot
 * still has to get back (spent minus already returned), by largest remainder with ties going to the
 * earlier lot in the spend's allocation. Because each return is proportional to what is still
 * returnable, a series of partial returns ends with every lot restored exactly. BigInt keeps
 * points × share exact beyond 2^53.
 */
export function allocateSpendReturn(input: {
  spent: readonly LotPoints[];
  returned?: readonly LotPoints[];
  points: number;
}): LotPoints[] {
  assertPoints(input.points, 'returned points');
  const alreadyReturned = new Map<string, number>();
  for (const { lotId, points } of input.returned ?? []) {
    alreadyReturned.set(lotId, (alreadyReturned.get(lotId) ?? 0) + points);
  }
  const returnable = mergeByLot(input.spent).map(({ lotId, points }) => {
    const left = points - (alreadyReturned.get(lotId) ?? 0);
    if (left < 0) throw new RangeError(`lot ${lotId}: more returned than the spend took`);
    return { lotId, points: left };
  });
  const total = returnable.reduce((sum, entry) => sum + entry.points, 0);
  if (input.points > total) {
    throw new RangeError(`cannot return ${input.points} points, only ${total} left to return`);
  }
  if (total === 0) return [];

  const points = BigInt(input.points);
  const whole = BigInt(total);
  const shares = returnable.map((entry, index) => {
    const exact = points * BigInt(entry.points);
    return { lotId: entry.lotId, points: exact / whole, remainder: exact % whole, index };
  });
  let leftOver = input.points - shares.reduce((sum, share) => sum + Number(share.points), 0);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (leftOver === 0) break;
    share.points += 1n;
    leftOver -= 1;
  }
  return shares
    .map((share) => ({ lotId: share.lotId, points: Number(share.points) }))
    .filter((share) => share.points > 0);
}

function mergeByLot(entries: readonly LotPoints[]): LotPoints[] {
  const merged = new Map<string, number>();
  for (const { lotId, points } of entries) merged.set(lotId, (merged.get(lotId) ?? 0) + points);
  return [...merged].map(([lotId, points]) => ({ lotId, points }));
}
