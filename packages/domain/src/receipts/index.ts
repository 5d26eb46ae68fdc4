export { calculateReceipt } from './calculate-receipt';
export type {
  BonusPointsEffect,
  Campaign,
  CampaignConditions,
  CampaignEffect,
  CampaignEffectType,
  CampaignStatus,
  DiscountPercentEffect,
  EarnMultiplierEffect,
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
