import {
  findQualifiedTier,
  resolveLadderSettings,
  type TierDefinition,
  type TierLadder,
  thresholdOf,
  tierRank,
} from './tier-ladder';

export type TierProgress = {
  /** The tier the metric reaches now (what re-evaluation would give, before grace and overrides). */
  readonly qualified: TierDefinition | undefined;
  /** The next tier above both the current and the qualified one, and what the metric lacks; null at the top. */
  readonly next: {
    readonly tier: TierDefinition;
    readonly threshold: number;
    readonly remaining: number;
  } | null;
  /** The current tier's threshold and what the metric lacks to keep it at re-evaluation (0 = safe). */
  readonly keep: { readonly threshold: number; readonly remaining: number } | null;
};

export const computeTierProgress = (
  ladder: TierLadder,
  currentCode: string | null,
  metricValue: number,
): TierProgress => {
  const { metric } = resolveLadderSettings(ladder);
  const qualified = findQualifiedTier(ladder, metricValue);
  const currentRank = currentCode === null ? 0 : tierRank(ladder, currentCode);
  const current = currentRank >= 0 ? ladder.tiers[currentRank] : qualified;
  const above: TierDefinition | undefined =
    ladder.tiers[Math.max(currentRank, tierRank(ladder, qualified?.code)) + 1];
  const gap = (tier: TierDefinition) => Math.max(0, thresholdOf(tier, metric) - metricValue);
  return {
    qualified,
    next: above ? { tier: above, threshold: thresholdOf(above, metric), remaining: gap(above) } : null,
    keep: current ? { threshold: thresholdOf(current, metric), remaining: gap(current) } : null,
  };
};
