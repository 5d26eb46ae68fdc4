import type { Program, Rounding } from './types';

// A worked example of what the program settings do to one receipt, for the settings page. It
// follows the contract's rules (API.md, Program settings): exact rational arithmetic, rounding
// once per receipt, the spending cap on the receipt after discounts. Campaigns and tiers are not
// part of the example.

type Ratio = { num: bigint; den: bigint };

/** "0.05" → 5/100; undefined for anything that is not a non-negative decimal. */
export function parseDecimal(text: string): Ratio | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const frac = m[2] ?? '';
  return { num: BigInt(`${m[1]}${frac}`), den: 10n ** BigInt(frac.length) };
}

/** num / den rounded by `mode`; num ≥ 0 and den > 0 (receipt amounts and rates are never negative). */
export function roundRatio(num: bigint, den: bigint, mode: Rounding): bigint {
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  switch (mode) {
    case 'floor':
      return q;
    case 'ceil':
      return q + 1n;
    case 'half_up':
      return 2n * r >= den ? q + 1n : q;
    case 'half_even':
      if (2n * r > den) return q + 1n;
      if (2n * r < den) return q;
      return q % 2n === 0n ? q : q + 1n;
  }
}

export type ProgramExample = {
  amountMinor: number;
  /** Paying with money only. */
  plain: { earnBaseMinor: number; pointsEarned: number };
  /** Paying the most the program allows with points (limited by the member's balance). */
  withPoints: {
    pointsSpent: number;
    pointsSpentMinor: number;
    paidMinor: number;
    earnBaseMinor: number;
    pointsEarned: number;
  };
  maxPointsByRule: number;
  activatesAt: Date;
  expiresAt: Date | null;
};

const DAY_MS = 24 * 60 * 60 * 1000;

export function computeProgramExample(
  program: Pick<Program, 'pointValueMinor' | 'earn' | 'burn'>,
  sample: { amountMinor: number; availablePoints: number; currencyDigits: number; now: Date },
): ProgramExample | undefined {
  const rate = parseDecimal(program.earn.pointsPerUnit);
  if (!rate || program.pointValueMinor <= 0) return undefined;
  const unit = 10n ** BigInt(sample.currencyDigits);
  const earn = (baseMinor: number) =>
    Number(roundRatio(BigInt(baseMinor) * rate.num, rate.den * unit, program.earn.rounding));

  const amount = sample.amountMinor;
  const percent = Math.max(0, Math.min(100, program.burn.maxPercentOfReceipt));
  const maxPointsByRule = Math.floor((amount * percent) / 100 / program.pointValueMinor);
  const pointsSpent = Math.max(0, Math.min(sample.availablePoints, maxPointsByRule));
  const pointsSpentMinor = pointsSpent * program.pointValueMinor;
  const paidMinor = amount - pointsSpentMinor;
  const baseWith = program.earn.base === 'paid' ? paidMinor : amount;

  const activatesAt = new Date(sample.now.getTime() + program.earn.pendingDays * DAY_MS);
  const expiresAt =
    program.earn.expiryDays === null
      ? null
      : new Date(activatesAt.getTime() + program.earn.expiryDays * DAY_MS);
  return {
    amountMinor: amount,
    plain: { earnBaseMinor: amount, pointsEarned: earn(amount) },
    withPoints: {
      pointsSpent,
      pointsSpentMinor,
      paidMinor,
      earnBaseMinor: baseWith,
      pointsEarned: earn(baseWith),
    },
    maxPointsByRule,
    activatesAt,
    expiresAt,
  };
}
