export { type Benefits, combineBenefits } from './combine-benefits';
export {
  computeQualifyingWindow,
  type QualifyingWindow,
  startOfLocalYear,
} from './compute-qualifying-window';
export { computeStatusPoints, computeStatusPointsKept } from './compute-status-points';
export { computeTierProgress, type TierProgress } from './compute-tier-progress';
export {
  decideTierMovement,
  isOverrideActive,
  type MemberTierState,
  type TierMovement,
  type TierMovementInput,
  type TierMovementReason,
  type TierSource,
} from './decide-tier-movement';
export {
  addLocalMonths,
  computeDividendPoints,
  computeMembershipPeriodEnd,
  MEMBERSHIP_PERIODS,
  type MembershipPeriod,
  type MembershipPlanTerms,
  validateMembershipPlan,
} from './membership-plan';
export {
  DEFAULT_WINDOW_DAYS,
  emptyTierLadder,
  findQualifiedTier,
  findTier,
  type ResolvedLadderSettings,
  resolveLadderSettings,
  TIER_METRICS,
  TIER_WINDOWS,
  type TierDefinition,
  type TierLadder,
  type TierMetric,
  type TierWindow,
  thresholdField,
  thresholdOf,
  tierRank,
} from './tier-ladder';
export {
  checkPerks,
  isNonNegativeRateString,
  isPercentString,
  MAX_TIERS,
  PERK_PATTERN,
  TIER_CODE_PATTERN,
  type TierProblem,
  validateTierLadder,
} from './validate-tier-ladder';
