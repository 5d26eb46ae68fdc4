import type { Program } from '../program';
import type { Campaign } from './campaign';

export type ReceiptLineInput = {
  /** Unique within the receipt. */
  readonly lineId: string;
  readonly sku: string;
  readonly category: string;
  /** > 0, at most 3 decimals; "1.5" or 1.5. Kept as exact milli-units internally. */
  readonly quantity: string | number;
  /** Line total before loyalty effects, minor units, ≥ 0. */
  readonly amountMinor: number;
};

export type ReceiptInput = {
  readonly receiptId: string;
  /** Defaults to `now`. Campaign windows and day-of-week rules use this instant. */
  readonly occurredAt?: Date | null;
  readonly storeId?: string | null;
  readonly terminalId?: string | null;
  readonly channel?: string | null;
  readonly lines: readonly ReceiptLineInput[];
  readonly coupons?: readonly string[];
  /** Points the member asks to pay with; calculate clamps it to `maxPointsToSpend`. */
  readonly pointsToSpend?: number;
};

export type MemberTier = {
  readonly code: string;
  readonly name: string;
  /** Decimal string, 0–100. */
  readonly discountPercent: string;
  /** Decimal string, ≥ 0; multiplies `earn.pointsPerUnit`. */
  readonly earnMultiplier: string;
  /**
   * Whole percent (0–100) of a receipt payable with points for this member, replacing the
   * program's `burn.maxPercentOfReceipt`; null or absent = the program's rule.
   */
  readonly maxPointsPercent?: number | null;
};

/** null = anonymous receipt: no tier discount, earns nothing, cannot spend. */
export type MemberContext = {
  readonly memberId: string;
  /** Spendable balance now; may be negative under the `debt` refund policy. */
  readonly availablePoints: number;
  readonly tier: MemberTier | null;
} | null;

export type CalculateReceiptInput = {
  readonly receipt: ReceiptInput;
  readonly member: MemberContext;
  /** The program version in force at `occurredAt`. */
  readonly program: Program;
  /** Candidate campaigns; status, window and conditions are checked here. */
  readonly campaigns: readonly Campaign[];
  readonly now: Date;
};

export type ReceiptFigures = {
  readonly amountMinor: number;
  readonly discountMinor: number;
  readonly pointsSpent: number;
  readonly pointsSpentMinor: number;
  /** amountMinor − discountMinor − pointsSpentMinor; never negative. */
  readonly payableMinor: number;
  readonly pointsEarned: number;
};

export type ReceiptTotals = ReceiptFigures & {
  /** min(available balance, the program's cap on this receipt); 0 for anonymous receipts. */
  readonly maxPointsToSpend: number;
};

export type ReceiptLineResult = ReceiptFigures & {
  readonly lineId: string;
  readonly sku: string;
  readonly category: string;
  /** Normalized decimal text of the quantity ("2", "0.25"). */
  readonly quantity: string;
  /** Quantity in thousandths, exact. */
  readonly quantityMilli: number;
  /** The percentage that won on this line ("0" when none). */
  readonly discountPercent: string;
};

export type ReceiptEffectKind =
  | 'discount_percent'
  | 'earn_multiplier'
  | 'bonus_points'
  | 'discount_amount'
  | 'earn_rate'
  | 'nth_item_free'
  | 'bundle_price'
  | 'stamp'
  | 'threshold_reward'
  | 'free_delivery'
  | 'issue_coupon';

export type ReceiptEffect = {
  /** null for tier effects (see `tierCode`). */
  readonly campaignId: string | null;
  readonly tierCode: string | null;
  readonly source: 'tier' | 'campaign';
  readonly kind: ReceiptEffectKind;
  readonly description: string;
  readonly descriptionRu: string;
  /** Lines the effect changed, in receipt order. */
  readonly lineIds: readonly string[];
  /** discount_percent: the percentage and the money it took off these lines. */
  readonly percent?: string;
  readonly discountMinor?: number;
  /** earn_multiplier: the factor. */
  readonly multiplier?: string;
  /** bonus_points: the points added; threshold_reward: reward points. */
  readonly points?: number;
  /** earn_rate: points per major currency unit on these lines. */
  readonly pointsPerUnit?: string;
  /** nth_item_free, stamp: whole units that went free. */
  readonly freeUnits?: number;
  /** stamp: stamps this receipt added, and the card's progress after it (0 … every − 1). */
  readonly stampsAdded?: number;
  readonly stampsProgress?: number;
  /** threshold_reward: matching spend counted, and progress towards the next reward after it. */
  readonly spendCountedMinor?: number;
  readonly progressMinor?: number;
  /** issue_coupon: the series a personal coupon is issued from at confirm. */
  readonly seriesId?: string;
};

/**
 * What one applied campaign cost and counted on this receipt: the figures limits and budgets
 * are checked against, and the state (stamps, spend, coupons) confirm has to record.
 */
export type CampaignUsage = {
  readonly campaignId: string;
  /** Money the campaign took off (its discount effects). */
  readonly discountMinor: number;
  /**
   * Points the campaign added: bonus and reward points, plus what its multiplier or rate added on
   * top of everything else on its lines (exact, rounded half up once per campaign).
   */
  readonly points: number;
  /** The receipt coupon (as sent) that unlocked it, if any. */
  readonly coupon: string | null;
  /** stamp: units added to the member's card. */
  readonly stamps: number;
  /** threshold_reward: matching spend added to the member's progress. */
  readonly spendMinor: number;
  /** issue_coupon: the series to issue a personal coupon from. */
  readonly issueCouponSeriesId: string | null;
};

export type ReceiptEarn = {
  /** = totals.pointsEarned: rate points (rounded once) + bonus points. */
  readonly points: number;
  readonly ratePoints: number;
  readonly bonusPoints: number;
  /** occurredAt + pendingDays local days (program time zone). */
  readonly activatesAt: Date;
  /** activatesAt + expiryDays local days; null = never. */
  readonly expiresAt: Date | null;
};

export type ReceiptSpend = {
  /** What the receipt asked for (`pointsToSpend`). */
  readonly requested: number;
  /** What was applied: min(requested, maxPointsToSpend). */
  readonly applied: number;
  /** The program's cap on this receipt, regardless of balance. */
  readonly maxByRules: number;
  /** Balance used for the cap (0 for anonymous, never below 0). */
  readonly available: number;
};

export type ReceiptCalculation = {
  readonly receiptId: string;
  readonly occurredAt: Date;
  readonly memberId: string | null;
  readonly currency: string;
  readonly totals: ReceiptTotals;
  readonly lines: readonly ReceiptLineResult[];
  readonly effects: readonly ReceiptEffect[];
  readonly earn: ReceiptEarn;
  readonly spend: ReceiptSpend;
  /** = spend.requested (what a confirm must post exactly, or fail). */
  readonly spendRequested: number;
  /** Campaigns that changed this receipt, for limit and budget counters. */
  readonly appliedCampaignIds: readonly string[];
  /** Per applied campaign (same order as appliedCampaignIds): its cost and the state it moves. */
  readonly campaignUsage: readonly CampaignUsage[];
  /** A free_delivery campaign applies: a web shop should not charge for delivery. */
  readonly freeDelivery: boolean;
  /** Receipt coupons (as sent) that unlocked an applied campaign, and the rest. */
  readonly coupons: { readonly applied: readonly string[]; readonly unused: readonly string[] };
};

export type ReceiptProblemCode =
  | 'invalid_receipt_id'
  | 'invalid_occurred_at'
  | 'no_lines'
  | 'invalid_line_id'
  | 'duplicate_line_id'
  | 'invalid_line_text'
  | 'invalid_quantity'
  | 'invalid_amount'
  | 'amount_too_large'
  | 'invalid_coupons'
  | 'invalid_points_to_spend'
  /** Program, tier or campaign data that cannot be computed with (a server-side problem). */
  | 'invalid_configuration';

/** `field` is a dotted path: 'receipt.lines[1].lineId', 'campaigns[cmp_1].effect.percent'. */
export type ReceiptProblem = {
  readonly code: ReceiptProblemCode;
  readonly field: string;
  readonly message: string;
};

export type CalculateReceiptResult =
  | { readonly ok: true; readonly calculation: ReceiptCalculation }
  | { readonly ok: false; readonly problems: readonly ReceiptProblem[] };
