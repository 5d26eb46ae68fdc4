import { describe, expect, it } from 'vitest';
import {
  addLocalMonths,
  combineBenefits,
  computeDividendPoints,
  computeMembershipPeriodEnd,
  computeQualifyingWindow,
  computeStatusPoints,
  computeStatusPointsKept,
  computeTierProgress,
  decideTierMovement,
  findQualifiedTier,
  type MemberTierState,
  type TierLadder,
  validateMembershipPlan,
  validateTierLadder,
} from '../index';

const TZ = 'Europe/Moscow';

const ladder = (extra: Partial<TierLadder> = {}): TierLadder => ({
  windowDays: 365,
  tiers: [
    { code: 'silver', name: 'Silver', qualifyingSpendMinor: 0, discountPercent: '5', earnMultiplier: '1' },
    {
      code: 'gold',
      name: 'Gold',
      qualifyingSpendMinor: 3_000_000,
      discountPercent: '10',
      earnMultiplier: '1.5',
    },
    {
      code: 'platinum',
      name: 'Platinum',
      qualifyingSpendMinor: 10_000_000,
      discountPercent: '15',
      earnMultiplier: '2',
    },
  ],
  ...extra,
});

const state = (code: string, extra: Partial<MemberTierState> = {}): MemberTierState => ({
  code,
  source: 'auto',
  since: new Date('2026-01-01T00:00:00Z'),
  overrideUntil: null,
  overrideReason: null,
  graceUntil: null,
  ...extra,
});

const at = new Date('2026-11-22T10:00:00Z');

describe('validateTierLadder', () => {
  it('accepts the contract example and an empty ladder', () => {
    expect(validateTierLadder(ladder())).toEqual([]);
    expect(validateTierLadder({ windowDays: 365, tiers: [] })).toEqual([]);
  });

  it.each([
    [
      'duplicate codes',
      { tiers: [ladder().tiers[0]!, { ...ladder().tiers[1]!, code: 'silver' }] },
      'tiers.1.code',
    ],
    [
      'entry tier above 0',
      { tiers: [{ ...ladder().tiers[0]!, qualifyingSpendMinor: 100 }] },
      'tiers.0.qualifyingSpendMinor',
    ],
    [
      'thresholds not increasing',
      { tiers: [ladder().tiers[0]!, { ...ladder().tiers[1]!, qualifyingSpendMinor: 0 }] },
      'tiers.1.qualifyingSpendMinor',
    ],
    [
      'discount over 100',
      { tiers: [{ ...ladder().tiers[0]!, discountPercent: '100.5' }] },
      'tiers.0.discountPercent',
    ],
    [
      'discount as a float-ish string',
      { tiers: [{ ...ladder().tiers[0]!, discountPercent: '1e1' }] },
      'tiers.0.discountPercent',
    ],
    [
      'negative multiplier',
      { tiers: [{ ...ladder().tiers[0]!, earnMultiplier: '-1' }] },
      'tiers.0.earnMultiplier',
    ],
    ['zero window', { windowDays: 0 }, 'windowDays'],
    ['bad perk name', { tiers: [{ ...ladder().tiers[0]!, perks: ['Free Delivery'] }] }, 'tiers.0.perks.0'],
    ['visits ladder without visit thresholds', { metric: 'visits' as const }, 'tiers.0.qualifyingVisits'],
    [
      'points share over 100',
      { tiers: [{ ...ladder().tiers[0]!, maxPointsPercent: 101 }] },
      'tiers.0.maxPointsPercent',
    ],
  ])('rejects %s', (_name, patch, field) => {
    expect(validateTierLadder({ ...ladder(), ...patch }).map((p) => p.field)).toContain(field);
  });

  it('accepts a visits ladder with visit thresholds', () => {
    const visits: TierLadder = {
      windowDays: 90,
      metric: 'visits',
      tiers: [
        { code: 'regular', name: 'Regular', qualifyingVisits: 0, discountPercent: '0', earnMultiplier: '1' },
        { code: 'friend', name: 'Friend', qualifyingVisits: 10, discountPercent: '3', earnMultiplier: '1' },
      ],
    };
    expect(validateTierLadder(visits)).toEqual([]);
    expect(findQualifiedTier(visits, 9)?.code).toBe('regular');
    expect(findQualifiedTier(visits, 10)?.code).toBe('friend');
  });
});

describe('findQualifiedTier', () => {
  it.each([
    [0, 'silver'],
    [-500, 'silver'],
    [2_999_999, 'silver'],
    [3_000_000, 'gold'],
    [10_000_000, 'platinum'],
  ])('metric %i -> %s', (value, code) => {
    expect(findQualifiedTier(ladder(), value)?.code).toBe(code);
  });
});

describe('computeQualifyingWindow', () => {
  it('rolling: the same local time N days earlier', () => {
    expect(computeQualifyingWindow(ladder(), at, TZ).from?.toISOString()).toBe('2025-11-22T10:00:00.000Z');
  });
  it('calendar year: local midnight on 1 January', () => {
    expect(computeQualifyingWindow(ladder({ window: 'calendar_year' }), at, TZ).from?.toISOString()).toBe(
      '2025-12-31T21:00:00.000Z',
    );
  });
  it('lifetime: no start', () => {
    expect(computeQualifyingWindow(ladder({ window: 'lifetime' }), at, TZ).from).toBeNull();
  });
});

describe('decideTierMovement', () => {
  const decide = (
    current: MemberTierState | null,
    qualifiedCode: string,
    trigger: 'receipt' | 'reevaluation',
    extra: Partial<TierLadder> = {},
  ) => decideTierMovement({ ladder: ladder(extra), current, qualifiedCode, at, timeZone: TZ, trigger });

  it('a receipt lifts the member, never lowers them', () => {
    expect(decide(null, 'gold', 'receipt')).toMatchObject({
      reason: 'upgrade',
      fromCode: 'silver',
      toCode: 'gold',
      next: { code: 'gold', source: 'auto', since: at },
    });
    expect(decide(state('gold'), 'silver', 'receipt')).toMatchObject({ reason: 'unchanged', next: null });
    expect(decide(null, 'silver', 'receipt')).toMatchObject({
      reason: 'unchanged',
      next: null,
      toCode: 'silver',
    });
  });

  it('re-evaluation lowers the member', () => {
    expect(decide(state('platinum'), 'silver', 'reevaluation')).toMatchObject({
      reason: 'downgrade',
      toCode: 'silver',
      next: { since: at },
    });
  });

  it('an active override holds, an earned higher tier still lifts, an expired one gives way', () => {
    const override = state('gold', {
      source: 'override',
      overrideUntil: new Date('2026-12-01T00:00:00Z'),
      overrideReason: 'VIP',
    });
    expect(decide(override, 'silver', 'reevaluation').reason).toBe('unchanged');
    expect(decide(override, 'platinum', 'receipt')).toMatchObject({
      reason: 'upgrade',
      next: { source: 'auto', overrideUntil: null },
    });
    const expired = { ...override, overrideUntil: new Date('2026-11-22T09:00:00Z') };
    expect(decide(expired, 'silver', 'reevaluation')).toMatchObject({
      reason: 'override_expired',
      toCode: 'silver',
    });
    expect(decide(expired, 'gold', 'reevaluation')).toMatchObject({
      reason: 'override_expired',
      toCode: 'gold',
      next: { since: expired.since, source: 'auto' },
    });
  });

  it('grace: the first finding starts it, the member keeps the tier until it ends, recovery clears it', () => {
    const first = decide(state('gold'), 'silver', 'reevaluation', { graceDays: 30 });
    expect(first).toMatchObject({
      reason: 'grace_started',
      toCode: 'gold',
      next: { code: 'gold', graceUntil: new Date('2026-12-22T10:00:00Z') },
    });
    expect(
      decide(state('gold', { graceUntil: new Date('2026-12-22T10:00:00Z') }), 'silver', 'reevaluation', {
        graceDays: 30,
      }).reason,
    ).toBe('unchanged');
    expect(
      decide(state('gold', { graceUntil: new Date('2026-11-22T09:00:00Z') }), 'silver', 'reevaluation', {
        graceDays: 30,
      }).reason,
    ).toBe('downgrade');
    expect(
      decide(state('gold', { graceUntil: new Date('2026-12-22T10:00:00Z') }), 'gold', 'reevaluation', {
        graceDays: 30,
      }),
    ).toMatchObject({
      reason: 'grace_cleared',
      next: { graceUntil: null },
    });
  });

  it('minStayDays keeps a tier reached recently', () => {
    const recent = state('gold', { since: new Date('2026-06-01T00:00:00Z') });
    expect(decide(recent, 'silver', 'reevaluation', { minStayDays: 365 }).reason).toBe('unchanged');
    expect(decide(recent, 'silver', 'reevaluation', { minStayDays: 100 }).reason).toBe('downgrade');
  });

  it('a code the ladder no longer has is replaced', () => {
    expect(decide(state('bronze'), 'silver', 'receipt')).toMatchObject({
      reason: 'ladder_changed',
      toCode: 'silver',
    });
  });
});

describe('computeTierProgress', () => {
  it('shows what is left to the next tier and to keep the current one', () => {
    expect(computeTierProgress(ladder(), 'gold', 2_500_000)).toMatchObject({
      qualified: { code: 'silver' },
      next: { tier: { code: 'platinum' }, remaining: 7_500_000 },
      keep: { threshold: 3_000_000, remaining: 500_000 },
    });
    expect(computeTierProgress(ladder(), null, 100)).toMatchObject({
      next: { tier: { code: 'gold' }, remaining: 2_999_900 },
      keep: { remaining: 0 },
    });
    expect(computeTierProgress(ladder(), 'platinum', 20_000_000).next).toBeNull();
  });
});

describe('combineBenefits', () => {
  const tier = {
    code: 'gold',
    name: 'Gold',
    discountPercent: '10',
    earnMultiplier: '1.5',
    perks: ['priority_service'],
    maxPointsPercent: null,
  };
  const plan = {
    code: 'club',
    name: 'Club',
    discountPercent: '7.5',
    earnMultiplier: '2',
    perks: ['free_delivery'],
    maxPointsPercent: 50,
  };
  it('largest discount wins, multipliers multiply, perks unite', () => {
    expect(combineBenefits([tier, plan])).toEqual({
      code: 'gold',
      name: 'Gold + Club',
      discountPercent: '10',
      earnMultiplier: '3',
      perks: ['priority_service', 'free_delivery'],
      maxPointsPercent: 50,
    });
    expect(combineBenefits([{ ...tier, discountPercent: '5' }, plan])?.discountPercent).toBe('7.5');
    expect(combineBenefits([plan])).toBe(plan);
    expect(combineBenefits([])).toBeNull();
  });
});

describe('membership plans', () => {
  const plan = {
    code: 'club',
    name: 'Club',
    period: 'year' as const,
    priceMinor: 99_900,
    trialDays: 0,
    discountPercent: '5',
    earnMultiplier: '1',
    perks: ['free_delivery'],
    maxPointsPercent: null,
    dividendPercent: '10',
    renewalNoticeDays: 7,
  };
  it('validates terms', () => {
    expect(validateMembershipPlan(plan)).toEqual([]);
    expect(validateMembershipPlan({ ...plan, period: 'lifetime', trialDays: 7 }).map((p) => p.field)).toEqual(
      ['trialDays'],
    );
    expect(validateMembershipPlan({ ...plan, dividendPercent: '120' }).map((p) => p.field)).toEqual([
      'dividendPercent',
    ]);
  });
  it('periods end a local month or year later, clamped to the month end', () => {
    expect(addLocalMonths(new Date('2026-01-31T09:00:00Z'), 1, TZ).toISOString()).toBe(
      '2026-02-28T09:00:00.000Z',
    );
    expect(computeMembershipPeriodEnd(at, 'year', TZ)?.toISOString()).toBe('2027-11-22T10:00:00.000Z');
    expect(computeMembershipPeriodEnd(at, 'month', TZ)?.toISOString()).toBe('2026-12-22T10:00:00.000Z');
    expect(computeMembershipPeriodEnd(at, 'lifetime', TZ)).toBeNull();
  });
  it('dividend: a share of the money paid, in points, rounded down', () => {
    expect(
      computeDividendPoints({ spendMinor: 1_234_567, dividendPercent: '10', pointValueMinor: 100 }),
    ).toBe(1234);
    expect(computeDividendPoints({ spendMinor: 0, dividendPercent: '10', pointValueMinor: 100 })).toBe(0);
    expect(computeDividendPoints({ spendMinor: -5, dividendPercent: '10', pointValueMinor: 100 })).toBe(0);
  });
});

describe('status points', () => {
  it('earned per major unit paid, rounded down once; refunds keep the share of money kept', () => {
    expect(
      computeStatusPoints({ payableMinor: 47_550, statusPointsPerUnit: '1', minorUnitsPerMajor: 100n }),
    ).toBe(475);
    expect(
      computeStatusPoints({ payableMinor: 47_550, statusPointsPerUnit: '0.1', minorUnitsPerMajor: 100n }),
    ).toBe(47);
    expect(computeStatusPoints({ payableMinor: 0, statusPointsPerUnit: '1', minorUnitsPerMajor: 100n })).toBe(
      0,
    );
    expect(computeStatusPointsKept({ earned: 475, payableMinor: 47_550, refundedMinor: 0 })).toBe(475);
    expect(computeStatusPointsKept({ earned: 475, payableMinor: 47_550, refundedMinor: 20_000 })).toBe(275);
    expect(computeStatusPointsKept({ earned: 475, payableMinor: 47_550, refundedMinor: 47_550 })).toBe(0);
  });
});
