import {
  allocateLargestRemainderExact,
  compareRationals,
  floorDivide,
  minBigInt,
  type Rational,
  rational,
  roundRational,
  sumRationals,
} from '../money';
import type { CampaignMatch } from './match-campaigns';
import type { NormalizedLine } from './normalize-receipt';
import type { ParsedBundleItem } from './parse-pricing-config';

// Money effects beyond percentages: free items (buy N get M, stamp cards, delivery), bundle
// prices and fixed amounts (per receipt, line or unit; spend thresholds). They run after the
// percentage discounts, one campaign at a time in priority order, each on what is left of the
// line, so no line is ever discounted below zero and every figure is an exact integer.

const UNIT_MILLI = 1000n;

export type CampaignDiscountDetail =
  | { readonly type: 'free_units'; readonly freeUnits: bigint }
  | {
      readonly type: 'stamp';
      readonly every: bigint;
      readonly stampsBefore: bigint;
      readonly stampsAdded: bigint;
      readonly freeUnits: bigint;
    }
  | { readonly type: 'bundle'; readonly bundles: bigint }
  | {
      readonly type: 'threshold';
      readonly spendAddedMinor: bigint;
      readonly rewards: bigint;
      readonly rewardPoints: bigint;
      /** How far towards the next reward the member is after this receipt. */
      readonly progressMinor: bigint;
      readonly thresholdMinor: bigint;
    }
  | { readonly type: 'amount' }
  | { readonly type: 'free_delivery'; readonly deliveryLineIndexes: readonly number[] };

export type CampaignDiscount = {
  readonly match: CampaignMatch;
  /** Per line (receipt order), what this campaign took off. */
  readonly lineDiscounts: readonly bigint[];
  readonly discountMinor: bigint;
  readonly detail: CampaignDiscountDetail;
};

export type CampaignDiscounts = {
  /** Campaigns with a money effect, in priority order (also those that took nothing off). */
  readonly campaigns: readonly CampaignDiscount[];
  readonly byMatch: ReadonlyMap<CampaignMatch, CampaignDiscount>;
  /** Per line, the sum over the campaigns. */
  readonly lineTotals: readonly bigint[];
  readonly freeDelivery: boolean;
};

const wholeUnits = (line: NormalizedLine): bigint => line.quantityMilli / UNIT_MILLI;

/** The money of `units` whole units of a line whose remaining (net) amount is `netMinor`. */
const unitsValueMinor = (line: NormalizedLine, netMinor: bigint, units: bigint): bigint =>
  roundRational(rational(netMinor * units * UNIT_MILLI, line.quantityMilli), 'half_up');

const lineFilterMatches = (
  line: NormalizedLine,
  filter: { readonly skus: ReadonlySet<string>; readonly categories: ReadonlySet<string> },
): boolean =>
  (filter.categories.size === 0 || filter.categories.has(line.category)) &&
  (filter.skus.size === 0 || filter.skus.has(line.sku));

/** Buy N get M: the cheapest whole units (by price left per unit) go free; ties to the earlier line. */
const computeNthItemFree = (
  lines: readonly NormalizedLine[],
  net: readonly bigint[],
  lineIndexes: readonly number[],
  buy: bigint,
  free: bigint,
): { discounts: Map<number, bigint>; freeUnits: bigint } => {
  const candidates = lineIndexes
    .map((index) => {
      const line = lines[index] as NormalizedLine;
      return {
        index,
        line,
        units: wholeUnits(line),
        unitPrice: rational(net[index] ?? 0n, line.quantityMilli),
      };
    })
    .filter((candidate) => candidate.units > 0n);
  const totalUnits = candidates.reduce((sum, candidate) => sum + candidate.units, 0n);
  const freeUnits = (totalUnits / (buy + free)) * free;
  const discounts = new Map<number, bigint>();
  if (freeUnits === 0n) return { discounts, freeUnits };
  candidates.sort((a, b) => compareRationals(a.unitPrice, b.unitPrice) || a.index - b.index);
  let left = freeUnits;
  for (const candidate of candidates) {
    if (left === 0n) break;
    const take = minBigInt(left, candidate.units);
    left -= take;
    discounts.set(candidate.index, unitsValueMinor(candidate.line, net[candidate.index] ?? 0n, take));
  }
  return { discounts, freeUnits };
};

/**
 * Stamp card: the member's lifetime count of matching units decides which of this receipt's
 * units completes a card; every `every`-th unit is free (5 paid + the 6th free for every = 6).
 */
const computeStamps = (
  lines: readonly NormalizedLine[],
  net: readonly bigint[],
  lineIndexes: readonly number[],
  every: bigint,
  stampsBefore: bigint,
): { discounts: Map<number, bigint>; stampsAdded: bigint; freeUnits: bigint } => {
  const discounts = new Map<number, bigint>();
  let count = stampsBefore;
  let stampsAdded = 0n;
  let freeUnits = 0n;
  for (const index of lineIndexes) {
    const line = lines[index] as NormalizedLine;
    const units = wholeUnits(line);
    // Units of this line that complete a card: multiples of `every` in (count, count + units].
    const freeHere = floorDivide(count + units, every) - floorDivide(count, every);
    count += units;
    stampsAdded += units;
    if (freeHere > 0n) {
      freeUnits += freeHere;
      discounts.set(index, unitsValueMinor(line, net[index] ?? 0n, freeHere));
    }
  }
  return { discounts, stampsAdded, freeUnits };
};

/** A bundle takes whole units from lines in receipt order; each line serves the first component it fits. */
const computeBundle = (
  lines: readonly NormalizedLine[],
  net: readonly bigint[],
  lineIndexes: readonly number[],
  items: readonly ParsedBundleItem[],
  priceMinor: bigint,
): { discounts: Map<number, bigint>; bundles: bigint } => {
  const assigned: number[][] = items.map(() => []);
  for (const index of lineIndexes) {
    const line = lines[index] as NormalizedLine;
    const component = items.findIndex((item) => lineFilterMatches(line, item));
    if (component >= 0) assigned[component]?.push(index);
  }
  let bundles: bigint | null = null;
  items.forEach((item, component) => {
    const available = (assigned[component] ?? []).reduce(
      (sum, index) => sum + wholeUnits(lines[index] as NormalizedLine),
      0n,
    );
    const possible = available / item.units;
    bundles = bundles === null || possible < bundles ? possible : bundles;
  });
  const discounts = new Map<number, bigint>();
  if (bundles === null || bundles === 0n) return { discounts, bundles: 0n };
  const count: bigint = bundles;
  const consumedIndexes: number[] = [];
  const consumedValues: Rational[] = [];
  items.forEach((item, component) => {
    let needed = item.units * count;
    for (const index of assigned[component] ?? []) {
      if (needed === 0n) break;
      const line = lines[index] as NormalizedLine;
      const take = minBigInt(needed, wholeUnits(line));
      needed -= take;
      consumedIndexes.push(index);
      consumedValues.push(rational((net[index] ?? 0n) * take * UNIT_MILLI, line.quantityMilli));
    }
  });
  const value = sumRationals(consumedValues);
  // Rounded down: the bundle never costs less than its stated price.
  const total = floorDivide(value.num - priceMinor * count * value.den, value.den);
  if (total <= 0n) return { discounts, bundles: count };
  // Shares follow the consumed values, so none exceeds what its line has left.
  allocateLargestRemainderExact(total, consumedValues).forEach((share, position) => {
    const index = consumedIndexes[position] as number;
    discounts.set(index, (discounts.get(index) ?? 0n) + share);
  });
  return { discounts, bundles: count };
};

/** Splits `total` (≤ the sum of `net` over `indexes`) in proportion to what the lines have left. */
const splitByNet = (
  total: bigint,
  net: readonly bigint[],
  indexes: readonly number[],
): Map<number, bigint> => {
  const shares = allocateLargestRemainderExact(
    total,
    indexes.map((index) => net[index] ?? 0n),
  );
  return new Map(indexes.map((index, position) => [index, shares[position] ?? 0n]));
};

const sumNet = (net: readonly bigint[], indexes: readonly number[]): bigint =>
  indexes.reduce((sum, index) => sum + (net[index] ?? 0n), 0n);

/**
 * Applies the non-percentage money effects of the matched campaigns in priority order to what
 * each line has left after `percentDiscounts`. Only members get stamp and threshold effects (the
 * matcher guarantees their state is present).
 */
export const computeCampaignDiscounts = (
  lines: readonly NormalizedLine[],
  percentDiscounts: readonly bigint[],
  matches: readonly CampaignMatch[],
): CampaignDiscounts => {
  const net = lines.map((line, index) => line.amountMinor - (percentDiscounts[index] ?? 0n));
  const lineTotals = lines.map(() => 0n);
  const campaigns: CampaignDiscount[] = [];
  let freeDelivery = false;
  for (const match of matches) {
    const { effect, lineIndexes } = match;
    let discounts: Map<number, bigint>;
    let detail: CampaignDiscountDetail;
    switch (effect.type) {
      case 'nth_item_free': {
        const result = computeNthItemFree(lines, net, lineIndexes, effect.buy, effect.free);
        discounts = result.discounts;
        detail = { type: 'free_units', freeUnits: result.freeUnits };
        break;
      }
      case 'stamp': {
        const stampsBefore = BigInt(match.memberState?.stamps ?? 0);
        const result = computeStamps(lines, net, lineIndexes, effect.every, stampsBefore);
        discounts = result.discounts;
        detail = {
          type: 'stamp',
          every: effect.every,
          stampsBefore,
          stampsAdded: result.stampsAdded,
          freeUnits: result.freeUnits,
        };
        break;
      }
      case 'bundle_price': {
        const result = computeBundle(lines, net, lineIndexes, effect.items, effect.priceMinor);
        discounts = result.discounts;
        detail = { type: 'bundle', bundles: result.bundles };
        break;
      }
      case 'discount_amount': {
        if (effect.per === 'receipt') {
          discounts = splitByNet(minBigInt(effect.amountMinor, sumNet(net, lineIndexes)), net, lineIndexes);
        } else {
          discounts = new Map(
            lineIndexes.map((index) => {
              const line = lines[index] as NormalizedLine;
              const off =
                effect.per === 'line'
                  ? effect.amountMinor
                  : roundRational(rational(effect.amountMinor * line.quantityMilli, UNIT_MILLI), 'half_up');
              return [index, minBigInt(off, net[index] ?? 0n)];
            }),
          );
        }
        detail = { type: 'amount' };
        break;
      }
      case 'threshold_reward': {
        const before = BigInt(match.memberState?.spendMinor ?? 0);
        const spendAddedMinor = sumNet(net, lineIndexes);
        const after = before + spendAddedMinor;
        const rewards =
          floorDivide(after, effect.thresholdMinor) - floorDivide(before, effect.thresholdMinor);
        discounts = splitByNet(minBigInt(rewards * effect.rewardMinor, spendAddedMinor), net, lineIndexes);
        detail = {
          type: 'threshold',
          spendAddedMinor,
          rewards,
          rewardPoints: rewards * effect.rewardPoints,
          progressMinor: after - floorDivide(after, effect.thresholdMinor) * effect.thresholdMinor,
          thresholdMinor: effect.thresholdMinor,
        };
        break;
      }
      case 'free_delivery': {
        freeDelivery = true;
        const deliveryLineIndexes = lines
          .filter((line) => effect.categories.has(line.category) || effect.skus.has(line.sku))
          .map((line) => line.index);
        discounts = new Map(deliveryLineIndexes.map((index) => [index, net[index] ?? 0n]));
        detail = { type: 'free_delivery', deliveryLineIndexes };
        break;
      }
      default:
        continue;
    }
    const lineDiscounts = lines.map((_, index) => discounts.get(index) ?? 0n);
    lineDiscounts.forEach((discount, index) => {
      net[index] = (net[index] ?? 0n) - discount;
      lineTotals[index] = (lineTotals[index] ?? 0n) + discount;
    });
    campaigns.push({
      match,
      lineDiscounts,
      discountMinor: lineDiscounts.reduce((sum, discount) => sum + discount, 0n),
      detail,
    });
  }
  return { campaigns, byMatch: new Map(campaigns.map((c) => [c.match, c])), lineTotals, freeDelivery };
};
