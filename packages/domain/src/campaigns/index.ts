export { isInBirthdayWindow, type MemberFacts, memberMatchesAudience } from './audience';
export {
  COUPON_ALPHABET,
  type CouponPattern,
  checkPatternCapacity,
  generateCouponCode,
  MAX_PATTERN_LENGTH,
  matchesCouponPattern,
  PATTERN_SPARSITY,
  parseCouponPattern,
} from './coupon-code';
export {
  BUILT_IN_EVENTS,
  type EventRewardRule,
  type EventRuleProblem,
  isBirthdayOn,
  normalizeEventRewardRules,
} from './event-rewards';
export { computeLimitPeriodKey, LIMIT_PERIODS } from './limit-period';
export {
  CAMPAIGN_STATUSES,
  type CampaignDefinition,
  type CampaignDefinitionResult,
  type CampaignProblem,
  CHANNELS,
  campaignNeedsMember,
  EFFECT_TYPES,
  normalizeCampaignDefinition,
  toCampaign,
} from './validate-campaign';
