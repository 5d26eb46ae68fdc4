// Campaign shape of API contract v1, as far as receipt calculation needs it. The effect union is
// open: a new effect type is a new member here plus a case in `parse-campaign-effect.ts`;
// unknown types arriving at run time (e.g. a newer version's rows) are ignored, not fatal.

export type CampaignStatus = 'draft' | 'active' | 'paused' | 'ended';

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
};

export type EarnMultiplierEffect = { readonly type: 'earn_multiplier'; readonly multiplier: string };
export type BonusPointsEffect = { readonly type: 'bonus_points'; readonly points: number };
export type DiscountPercentEffect = { readonly type: 'discount_percent'; readonly percent: string };

export type CampaignEffect = EarnMultiplierEffect | BonusPointsEffect | DiscountPercentEffect;
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
};
