// A tier ladder as `PUT /v1/tiers` takes it and `GET /v1/tiers` gives it back. The contract fixes
// `windowDays` and, per tier, `code`, `name`, `qualifyingSpendMinor`, `discountPercent` and
// `earnMultiplier`; every other field is optional and its absence means the contract's behaviour
// (money paid, rolling window, no grace, no perks).

export const TIER_METRICS = ['spend', 'status_points', 'visits'] as const;
/** spend = money paid net of refunds; status_points = qualifying points earned; visits = receipts not refunded. */
export type TierMetric = (typeof TIER_METRICS)[number];

export const TIER_WINDOWS = ['rolling', 'calendar_year', 'lifetime'] as const;
/** rolling = the last `windowDays` days; calendar_year = since 1 January (program time zone). */
export type TierWindow = (typeof TIER_WINDOWS)[number];

export type TierDefinition = {
  readonly code: string;
  readonly name: string;
  /** Threshold of the `spend` metric, minor units. Required when the ladder's metric is spend. */
  readonly qualifyingSpendMinor?: number;
  /** Threshold of the `status_points` metric. */
  readonly qualifyingStatusPoints?: number;
  /** Threshold of the `visits` metric. */
  readonly qualifyingVisits?: number;
  /** Decimal string 0–100, applied to every line. */
  readonly discountPercent: string;
  /** Decimal string ≥ 0, multiplies `earn.pointsPerUnit`. */
  readonly earnMultiplier: string;
  /** Named flags a till or shop reads: `free_delivery`, `priority_service`, … */
  readonly perks?: readonly string[];
  /** Whole percent: at most this share of a receipt may be paid with points in this tier. */
  readonly maxPointsPercent?: number;
};

export type TierLadder = {
  readonly windowDays: number;
  readonly metric?: TierMetric;
  readonly window?: TierWindow;
  /** Days a member keeps a tier after re-evaluation first finds them below it. */
  readonly graceDays?: number;
  /** A tier reached is kept at least this many days, whatever the metric does. */
  readonly minStayDays?: number;
  /** Status points earned per major currency unit paid (decimal string); absent = none. */
  readonly statusPointsPerUnit?: string;
  readonly tiers: readonly TierDefinition[];
};

export type ResolvedLadderSettings = {
  readonly metric: TierMetric;
  readonly window: TierWindow;
  readonly windowDays: number;
  readonly graceDays: number;
  readonly minStayDays: number;
};

export const DEFAULT_WINDOW_DAYS = 365;

export const emptyTierLadder = (): TierLadder => ({ windowDays: DEFAULT_WINDOW_DAYS, tiers: [] });

export const resolveLadderSettings = (ladder: TierLadder): ResolvedLadderSettings => ({
  metric: ladder.metric ?? 'spend',
  window: ladder.window ?? 'rolling',
  windowDays: ladder.windowDays,
  graceDays: ladder.graceDays ?? 0,
  minStayDays: ladder.minStayDays ?? 0,
});

/** The tier's threshold in the ladder's metric (0 when the field is absent, which validation forbids above the entry tier). */
export const thresholdOf = (tier: TierDefinition, metric: TierMetric): number => {
  switch (metric) {
    case 'spend':
      return tier.qualifyingSpendMinor ?? 0;
    case 'status_points':
      return tier.qualifyingStatusPoints ?? 0;
    case 'visits':
      return tier.qualifyingVisits ?? 0;
  }
};

export const thresholdField = (metric: TierMetric): keyof TierDefinition =>
  metric === 'spend'
    ? 'qualifyingSpendMinor'
    : metric === 'status_points'
      ? 'qualifyingStatusPoints'
      : 'qualifyingVisits';

/** Position in the ladder (0 = entry tier), or -1 for a code the ladder no longer has. */
export const tierRank = (ladder: TierLadder, code: string | null | undefined): number =>
  code == null ? -1 : ladder.tiers.findIndex((t) => t.code === code);

export const findTier = (ladder: TierLadder, code: string | null | undefined): TierDefinition | undefined =>
  code == null ? undefined : ladder.tiers.find((t) => t.code === code);

/**
 * The highest tier whose threshold the metric reaches. The entry tier's threshold is 0 and the
 * metric never counts below 0 for this purpose, so a non-empty ladder always yields a tier.
 */
export const findQualifiedTier = (ladder: TierLadder, metricValue: number): TierDefinition | undefined => {
  const metric = resolveLadderSettings(ladder).metric;
  let qualified: TierDefinition | undefined = ladder.tiers[0];
  for (const tier of ladder.tiers) {
    if (thresholdOf(tier, metric) <= metricValue) qualified = tier;
  }
  return qualified;
};
