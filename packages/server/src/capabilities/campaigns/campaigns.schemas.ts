import { type Static, Type } from '@sinclair/typebox';
import { Id, IsoDateTime, ListQuery } from '../../platform/schemas';

// Shapes for OpenAPI and serialization. Types are checked here; meaning (decimal strings, ranges,
// which fields each effect type needs) by the domain's normalizeCampaignDefinition, which names
// every wrong field at once.

const Texts = (description: string) =>
  Type.Array(Type.String({ maxLength: 128 }), { maxItems: 1000, description });
const Decimal = (description: string, example: string) =>
  Type.String({ maxLength: 64, description, examples: [example] });

export const ConditionsSchema = Type.Object(
  {
    minAmountMinor: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Minimum receipt amount before loyalty effects, minor units' }),
    ),
    categories: Type.Optional(Texts('Lines of these categories match (empty = any)')),
    skus: Type.Optional(Texts('Lines with these SKUs match (empty = any)')),
    daysOfWeek: Type.Optional(
      Type.Array(Type.Integer(), {
        maxItems: 7,
        description: 'ISO days, 1 = Monday … 7 = Sunday, in the program time zone (empty = every day)',
      }),
    ),
    coupon: Type.Optional(
      Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
        description: 'Promo code the receipt must carry in `coupons` (case-insensitive)',
      }),
    ),
    hours: Type.Optional(
      Type.Union(
        [
          Type.Object({
            from: Type.String({ examples: ['08:00'] }),
            to: Type.String({ examples: ['11:00'] }),
          }),
          Type.Null(),
        ],
        {
          description: 'Local time of day, start inclusive, end exclusive; may wrap midnight',
        },
      ),
    ),
    minQuantity: Type.Optional(
      Type.Union([Decimal('Minimum total quantity of the matching lines', '2'), Type.Null()]),
    ),
    couponSeriesId: Type.Optional(
      Type.Union([Type.String({ maxLength: 128 }), Type.Null()], {
        description: 'A code of this coupon series must be on the receipt',
      }),
    ),
  },
  { description: 'All conditions must hold (AND).' },
);

export const EffectSchema = Type.Object(
  {
    type: Type.String({
      description:
        'earn_multiplier {multiplier} | bonus_points {points} | discount_percent {percent} | discount_amount {amountMinor, per} | earn_rate {pointsPerUnit} | nth_item_free {buy, free} | bundle_price {priceMinor, items} | stamp {every} | threshold_reward {thresholdMinor, rewardMinor?, rewardPoints?} | free_delivery {categories?, skus?} | issue_coupon {seriesId}',
    }),
    multiplier: Type.Optional(Decimal('earn_multiplier: multiplies the earn rate on matching lines', '2')),
    points: Type.Optional(Type.Integer({ description: 'bonus_points: added once per receipt' })),
    percent: Type.Optional(
      Decimal('discount_percent: 0–100 off matching lines (the largest percentage wins per line)', '15'),
    ),
    amountMinor: Type.Optional(Type.Integer({ description: 'discount_amount: money off, minor units' })),
    per: Type.Optional(
      Type.String({ description: 'discount_amount: receipt (split by amount, default) | line | unit' }),
    ),
    pointsPerUnit: Type.Optional(
      Decimal('earn_rate: points per major currency unit on matching lines', '0.1'),
    ),
    buy: Type.Optional(Type.Integer({ description: 'nth_item_free: units to buy…' })),
    free: Type.Optional(
      Type.Integer({ description: 'nth_item_free: …to get this many free (the cheapest)' }),
    ),
    priceMinor: Type.Optional(Type.Integer({ description: 'bundle_price: the price of one set' })),
    items: Type.Optional(
      Type.Array(
        Type.Object({
          skus: Type.Optional(Texts('SKUs of this component')),
          categories: Type.Optional(Texts('Categories of this component')),
          quantity: Type.Integer(),
        }),
        { description: 'bundle_price: the components of one set' },
      ),
    ),
    every: Type.Optional(
      Type.Integer({
        description: 'stamp: every N-th matching item a member buys is free (6 = "6th coffee free")',
      }),
    ),
    thresholdMinor: Type.Optional(
      Type.Integer({ description: 'threshold_reward: for every this much spent (across receipts)…' }),
    ),
    rewardMinor: Type.Optional(Type.Integer({ description: 'threshold_reward: …this much off' })),
    rewardPoints: Type.Optional(Type.Integer({ description: 'threshold_reward: …or these points' })),
    categories: Type.Optional(Texts('free_delivery: delivery line categories (default ["delivery"])')),
    skus: Type.Optional(Texts('free_delivery: delivery line SKUs')),
    seriesId: Type.Optional(
      Type.String({ maxLength: 128, description: 'issue_coupon: personal coupon series to issue from' }),
    ),
  },
  { description: 'What the campaign does; `type` says which of the other fields apply.' },
);

export const AudienceSchema = Type.Object(
  {
    tiers: Type.Optional(Texts('Tier codes; the member must hold one')),
    membersOnly: Type.Optional(Type.Boolean({ description: 'No anonymous receipts' })),
    newMembersWithinDays: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], {
        description: 'Members who joined at most this many days ago',
      }),
    ),
    birthday: Type.Optional(
      Type.Union(
        [
          Type.Literal('month'),
          Type.Object({ daysBefore: Type.Integer(), daysAfter: Type.Integer() }),
          Type.Null(),
        ],
        {
          description: '"month" = the whole birth month; or a window of days around the birthday',
        },
      ),
    ),
    firstPurchase: Type.Optional(Type.Boolean({ description: "Only a member's first receipt" })),
  },
  { description: 'Who gets it (all by default).' },
);

export const ScopeSchema = Type.Object(
  {
    storeIds: Type.Optional(Texts('Stores (receipt storeId); empty = all')),
    channels: Type.Optional(
      Type.Array(Type.String(), { description: 'pos | web | app; a receipt without a channel is pos' }),
    ),
  },
  { description: 'Where it applies.' },
);

export const StackingSchema = Type.Object(
  {
    exclusiveGroup: Type.Optional(
      Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
        description: 'Only the highest-priority matching campaign of a group applies',
      }),
    ),
    stopFurther: Type.Optional(
      Type.Boolean({ description: 'When this campaign applies, lower-priority campaigns do not' }),
    ),
  },
  { description: 'Combining with other campaigns (by default all matching campaigns apply).' },
);

export const LimitsSchema = Type.Object(
  {
    totalUses: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], {
        description: 'Receipts the campaign may apply to in total',
      }),
    ),
    perMember: Type.Optional(
      Type.Union([
        Type.Object({
          uses: Type.Integer(),
          period: Type.String({ description: 'day | week | month | year | ever (program time zone)' }),
        }),
        Type.Null(),
      ]),
    ),
    pointsBudget: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], { description: 'Points the campaign may add in total' }),
    ),
    moneyBudgetMinor: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], {
        description: 'Money the campaign may take off in total, minor units',
      }),
    ),
    releaseOnRefund: Type.Optional(
      Type.Boolean({ description: 'Give uses and budget back on cancel or full refund (default true)' }),
    ),
  },
  { description: 'Checked and counted atomically at confirm.' },
);

const Group = <T extends ReturnType<typeof Type.Object>>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

const campaignFields = {
  name: Type.String({ maxLength: 200, examples: ['Double points on weekends'] }),
  status: Type.String({
    description: 'draft | active | paused | ended (default draft)',
    examples: ['active'],
  }),
  startsAt: Type.Union([IsoDateTime('Inclusive start; null = now'), Type.Null()]),
  endsAt: Type.Union([IsoDateTime('Exclusive end; null = open-ended'), Type.Null()]),
  priority: Type.Integer({
    description:
      'Higher first: orders effects, wins ties between equal discounts, and decides exclusive groups',
  }),
  conditions: ConditionsSchema,
  effect: EffectSchema,
  audience: Group(AudienceSchema),
  scope: Group(ScopeSchema),
  stacking: Group(StackingSchema),
  limits: Group(LimitsSchema),
};

export const CampaignBody = Type.Object(
  {
    ...campaignFields,
    status: Type.Optional(campaignFields.status),
    startsAt: Type.Optional(campaignFields.startsAt),
    endsAt: Type.Optional(campaignFields.endsAt),
    priority: Type.Optional(campaignFields.priority),
    conditions: Type.Optional(ConditionsSchema),
  },
  { description: 'API contract v1 campaign; fields beyond v1 are optional and default to v1 behaviour.' },
);

export const CampaignPatchBody = Type.Partial(Type.Object(campaignFields), {
  description:
    'Fields given replace the stored ones; conditions, audience, scope, stacking and limits merge field by field; effect is replaced whole.',
});

export const CampaignView = Type.Object({
  campaignId: Type.String({ examples: ['cmp_0k2…'] }),
  ...campaignFields,
  version: Type.Integer({ description: 'Increases with every change' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  usage: Type.Object(
    {
      uses: Type.Integer({ description: 'Receipts it applied to (not cancelled or fully refunded)' }),
      points: Type.Integer({ description: 'Points it added' }),
      moneyMinor: Type.Integer({ description: 'Money it took off' }),
    },
    { description: 'What the campaign has cost so far' },
  ),
});
export type CampaignViewType = Static<typeof CampaignView>;

export const CampaignParams = Type.Object({ campaignId: Id() });

export const CampaignListQuery = Type.Object({
  ...ListQuery.properties,
  status: Type.Optional(
    Type.Union([
      Type.Literal('draft'),
      Type.Literal('active'),
      Type.Literal('paused'),
      Type.Literal('ended'),
    ]),
  ),
});

export const CampaignVersionView = Type.Object({
  version: Type.Integer(),
  validFrom: Type.String(),
  status: Type.String(),
  deleted: Type.Boolean(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  definition: Type.Object({ ...campaignFields }),
});

export const SimulationView = Type.Object({
  campaignId: Type.String(),
  from: Type.String(),
  to: Type.String(),
  receiptsScanned: Type.Integer(),
  truncated: Type.Boolean({ description: 'More receipts fell in the window than were scanned' }),
  reached: Type.Object({
    receipts: Type.Integer({ description: 'Receipts the campaign would have changed' }),
    members: Type.Integer({ description: 'Distinct members among them' }),
    anonymousReceipts: Type.Integer(),
  }),
  cost: Type.Object({
    discountMinor: Type.Integer({ description: 'Extra money off' }),
    points: Type.Integer({
      description: 'Change in points earned (a discount lowers the paid base, so it can be negative)',
    }),
    pointsValueMinor: Type.Integer({ description: 'What those points pay when spent' }),
  }),
  stoppedByLimits: Type.Integer({ description: 'Receipts its limits or budgets would have refused' }),
});
