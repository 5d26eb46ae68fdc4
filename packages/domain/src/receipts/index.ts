export { calculateReceipt } from './calculate-receipt';
export type {
  BonusPointsEffect,
  BundlePriceEffect,
  Campaign,
  CampaignAudience,
  CampaignConditions,
  CampaignEffect,
  CampaignEffectType,
  CampaignHours,
  CampaignLimitPeriod,
  CampaignLimits,
  CampaignMemberState,
  CampaignScope,
  CampaignStacking,
  CampaignStatus,
  DiscountAmountEffect,
  DiscountPercentEffect,
  EarnMultiplierEffect,
  EarnRateEffect,
  FreeDeliveryEffect,
  IssueCouponEffect,
  NthItemFreeEffect,
  StampEffect,
  ThresholdRewardEffect,
} from './campaign';
export { checkOccurredAt, MAX_CLOCK_SKEW_MS, type OccurredAtCheck } from './check-occurred-at';
export { checkSpend, type SpendCheck } from './check-spend';
export { computePercentDiscountMinor } from './compute-line-discounts';
export {
  type ComputeRefundResult,
  computeRefund,
  type RefundableLine,
  type RefundComputation,
  type RefundExcess,
  type RefundLineResult,
  type RefundProblem,
  type RefundRequestLine,
  type RefundTotals,
} from './compute-refund';
export { lineMatchesCampaign, normalizeCouponCode } from './match-campaigns';
export { CLIENT_ID_PATTERN } from './normalize-receipt';
export { compareCampaigns } from './parse-pricing-config';
export {
  formatQuantityMilli,
  parseQuantityMilli,
  QUANTITY_SCALE,
  type QuantityParseResult,
} from './parse-quantity';
export type {
  CalculateReceiptInput,
  CalculateReceiptResult,
  CampaignUsage,
  MemberContext,
  MemberTier,
  ReceiptCalculation,
  ReceiptEarn,
  ReceiptEffect,
  ReceiptEffectKind,
  ReceiptFigures,
  ReceiptInput,
  ReceiptLineInput,
  ReceiptLineResult,
  ReceiptProblem,
  ReceiptProblemCode,
  ReceiptSpend,
  ReceiptTotals,
} from './receipt-types';
