// Campaign shape of API contract v1, as far as receipt calculation needs it, grown with optional
// fields whose absence keeps the v1 meaning. The effect union is open: a new effect type is a new
// member here plus a case in `parse-pricing-config.ts`; unknown types arriving at run time (e.g. a
// newer version's rows) are ignored, not fatal.

export type CampaignStatus = 'draft' | 'active' | 'paused' | 'ended';

/** Local time-of-day window "HH:MM"–"HH:MM" (start inclusive, end exclusive; may wrap midnight). */
export type CampaignHours = { readonly from: string; readonly to: string };

export type CampaignConditions = {
  /** Minimum receipt amount (sum of line `amountMinor`, before loyalty effects). */
  readonly minAmountMinor: number;
  /** Line filters: a line matches when every non-empty list contains its value. */
  readonly categories: readonly string[];
  readonly skus: readonly string[];
  /** ISO days (1 = Monday) in the program's time zone; empty = every day. */
  readonly daysOfWeek: readonly number[];
  /** Promo code the receipt must carry in `coupons` (case-insensitive); null = none needed. */
  readonly coupon: string | null;
  /** Hours of the day in the program's time zone; absent or null = all day. */
  readonly hours?: CampaignHours | null;
  /** Minimum total quantity of the matching lines (decimal string, e.g. "2"); absent = any. */
  readonly minQuantity?: string | null;
  /**
   * Codes of this coupon series unlock the campaign. The server resolves the receipt's codes
   * against the series and hands the campaign over with `coupon` set to the valid code found;
   * the calculation itself never sees the series.
   */
  readonly couponSeriesId?: string | null;
  /**
   * With `couponSeriesId` and no `coupon`: the series' code pattern ("CAFE-XXXX-XXXX"); the first
   * receipt code of that shape unlocks the campaign. Servers set it when they could not check
   * the codes before pricing, and verify the code when the receipt is confirmed.
   */
  readonly couponPattern?: string | null;
};

/** Who may get the campaign. Empty lists / false / null mean "everyone", anonymous receipts included. */
export type CampaignAudience = {
  /** Tier codes; the member's tier must be one of them. */
  readonly tiers?: readonly string[];
  /** Only identified members (no anonymous receipts). */
  readonly membersOnly?: boolean;
  /** Members who joined at most this many days before the receipt. */
  readonly newMembersWithinDays?: number | null;
  /** Members whose birthday is near: a window of days around it, or the whole birth month. */
  readonly birthday?: { readonly daysBefore: number; readonly daysAfter: number } | 'month' | null;
  /** Only a member's first confirmed receipt. */
  readonly firstPurchase?: boolean;
};

/** Where the campaign applies. Empty lists mean everywhere. A receipt without a channel is 'pos'. */
export type CampaignScope = {
  readonly storeIds?: readonly string[];
  readonly channels?: readonly string[];
};

/**
 * Stacking controls. By default every matching campaign applies (v1). Within an exclusive group
 * only the first matching campaign (priority order) applies; a campaign that stops further
 * campaigns hides every campaign after it in priority order.
 */
export type CampaignStacking = {
  readonly exclusiveGroup?: string | null;
  readonly stopFurther?: boolean;
};

/** Limits and budgets are counted by the server at confirm; the calculation ignores them. */
export type CampaignLimits = {
  readonly totalUses?: number | null;
  readonly perMember?: { readonly uses: number; readonly period: CampaignLimitPeriod } | null;
  readonly pointsBudget?: number | null;
  readonly moneyBudgetMinor?: number | null;
  /** Give uses and budget back when the receipt is cancelled or fully refunded (default true). */
  readonly releaseOnRefund?: boolean;
};

export type CampaignLimitPeriod = 'day' | 'week' | 'month' | 'year' | 'ever';

/**
 * One member's view of a campaign, filled by the server for the member of the receipt: their
 * stamps and spend so far, and that the audience rules the calculation cannot see (birthday,
 * join date, first purchase) hold. Campaigns that need it do not apply without it.
 */
export type CampaignMemberState = {
  readonly memberId: string;
  /** Matching units counted so far (lifetime); progress towards the next free item is stamps mod `every`. */
  readonly stamps: number;
  /** Matching spend counted so far (lifetime, minor units). */
  readonly spendMinor: number;
};

export type EarnMultiplierEffect = { readonly type: 'earn_multiplier'; readonly multiplier: string };
export type BonusPointsEffect = { readonly type: 'bonus_points'; readonly points: number };
export type DiscountPercentEffect = { readonly type: 'discount_percent'; readonly percent: string };
/** A fixed amount off the matching lines: once per receipt (split by amount), per line, or per unit. */
export type DiscountAmountEffect = {
  readonly type: 'discount_amount';
  readonly amountMinor: number;
  readonly per?: 'receipt' | 'line' | 'unit';
};
/** Matching lines earn at this rate (points per major unit) instead of `earn.pointsPerUnit`. */
export type EarnRateEffect = { readonly type: 'earn_rate'; readonly pointsPerUnit: string };
/** Buy `buy`, get `free` more of the matching items free: the cheapest whole units go free. */
export type NthItemFreeEffect = {
  readonly type: 'nth_item_free';
  readonly buy: number;
  readonly free: number;
};
/** A set of items for a fixed price: each component names its lines and the units it needs. */
export type BundlePriceEffect = {
  readonly type: 'bundle_price';
  readonly priceMinor: number;
  readonly items: readonly {
    readonly skus?: readonly string[];
    readonly categories?: readonly string[];
    readonly quantity: number;
  }[];
};
/** Stamp card: every `every`-th matching unit a member buys is free, counted across receipts. */
export type StampEffect = { readonly type: 'stamp'; readonly every: number };
/** For every `thresholdMinor` a member spends on matching lines (across receipts): money off or points. */
export type ThresholdRewardEffect = {
  readonly type: 'threshold_reward';
  readonly thresholdMinor: number;
  readonly rewardMinor?: number;
  readonly rewardPoints?: number;
};
/** Delivery is free: lines in the delivery categories/skus cost nothing, and the receipt says so. */
export type FreeDeliveryEffect = {
  readonly type: 'free_delivery';
  readonly categories?: readonly string[];
  readonly skus?: readonly string[];
};
/** The member receives a personal coupon of this series for a next visit (issued at confirm). */
export type IssueCouponEffect = { readonly type: 'issue_coupon'; readonly seriesId: string };

export type CampaignEffect =
  | EarnMultiplierEffect
  | BonusPointsEffect
  | DiscountPercentEffect
  | DiscountAmountEffect
  | EarnRateEffect
  | NthItemFreeEffect
  | BundlePriceEffect
  | StampEffect
  | ThresholdRewardEffect
  | FreeDeliveryEffect
  | IssueCouponEffect;
export type CampaignEffectType = CampaignEffect['type'];

export type Campaign = {
  readonly campaignId: string;
  readonly name: string;
  /** Only 'active' campaigns apply. Kept open for statuses other modules may add. */
  readonly status: CampaignStatus | (string & Record<never, never>);
  /** Inclusive start; null = since ever. */
  readonly startsAt: Date | null;
  /** Exclusive end; null = open-ended. */
  readonly endsAt: Date | null;
  /** Higher first: orders effects and breaks ties between equal discounts. */
  readonly priority: number;
  readonly conditions: CampaignConditions;
  readonly effect: CampaignEffect;
  readonly audience?: CampaignAudience | null;
  readonly scope?: CampaignScope | null;
  readonly stacking?: CampaignStacking | null;
  readonly limits?: CampaignLimits | null;
  readonly memberState?: CampaignMemberState | null;
};
