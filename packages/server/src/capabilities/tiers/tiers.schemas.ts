import { type Static, Type } from '@sinclair/typebox';
import { Id, IsoDateTime } from '../../platform/schemas';

// Decimals travel as strings (contract); the domain checks ranges and the ladder as a whole.
const DecimalString = (description: string) =>
  Type.String({ pattern: '^-?\\d+(\\.\\d+)?$', maxLength: 64, description });
const Perks = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), {
  maxItems: 50,
  description: 'Named flags a till or shop reads, e.g. free_delivery, priority_service',
});
const WholeCount = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

export const TierSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    qualifyingSpendMinor: Type.Optional(
      WholeCount(
        'Money paid (net of refunds) in the window to reach this tier; required when metric is spend (the default)',
      ),
    ),
    qualifyingStatusPoints: Type.Optional(
      WholeCount('Status points in the window to reach this tier (metric status_points)'),
    ),
    qualifyingVisits: Type.Optional(WholeCount('Receipts in the window to reach this tier (metric visits)')),
    discountPercent: DecimalString('Percent off every line, "0" to "100"'),
    earnMultiplier: DecimalString('Multiplies earn.pointsPerUnit, e.g. "1.5"'),
    perks: Type.Optional(Perks),
    maxPointsPercent: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        description:
          'At most this share of a receipt payable with points in this tier (reported to tills; see docs/tiers.md)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const LadderSchema = Type.Object(
  {
    windowDays: Type.Integer({
      minimum: 1,
      maximum: 36_500,
      description: 'The qualifying window for window=rolling (the default): the last N days',
    }),
    metric: Type.Optional(
      Type.Union([Type.Literal('spend'), Type.Literal('status_points'), Type.Literal('visits')], {
        description: 'What qualifies; default spend (money paid net of refunds)',
      }),
    ),
    window: Type.Optional(
      Type.Union([Type.Literal('rolling'), Type.Literal('calendar_year'), Type.Literal('lifetime')], {
        description: 'Default rolling (windowDays)',
      }),
    ),
    graceDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 36_500,
        description: 'Days a member keeps a tier after re-evaluation first finds them below it',
      }),
    ),
    minStayDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 36_500,
        description: 'A tier reached is kept at least this many days',
      }),
    ),
    statusPointsPerUnit: Type.Optional(
      DecimalString('Status points (qualifying, never spendable) earned per major currency unit paid'),
    ),
    tiers: Type.Array(TierSchema, {
      maxItems: 50,
      description: 'From the entry tier (threshold 0) up; thresholds strictly increase',
    }),
  },
  { additionalProperties: false },
);
export type LadderInput = Static<typeof LadderSchema>;

export const TierBenefitsSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  discountPercent: Type.String(),
  earnMultiplier: Type.String(),
  perks: Type.Array(Type.String()),
  maxPointsPercent: Type.Union([Type.Integer(), Type.Null()]),
});

const TierRef = Type.Object({ code: Type.String(), name: Type.String() });

export const MemberTierSchema = Type.Object({
  memberId: Type.String(),
  tier: Type.Union([TierBenefitsSchema, Type.Null()], {
    description: 'The tier in force now; null when the program has no tiers',
  }),
  source: Type.Union([Type.Literal('entry'), Type.Literal('auto'), Type.Literal('override'), Type.Null()], {
    description: 'entry = never moved; auto = reached by the metric; override = set by staff',
  }),
  since: Type.Union([Type.String(), Type.Null()]),
  override: Type.Union([Type.Object({ until: Type.String(), reason: Type.String() }), Type.Null()]),
  graceUntil: Type.Union([Type.String(), Type.Null()], {
    description: 'Below the tier since re-evaluation; kept until this instant',
  }),
  keepUntil: Type.Union([Type.String(), Type.Null()], {
    description: 'minStayDays: the tier cannot drop before this instant',
  }),
  metric: Type.Object({
    kind: Type.String({ description: 'spend | status_points | visits' }),
    value: Type.Integer({ description: 'The metric so far in the window (minor units for spend)' }),
    window: Type.Object({
      kind: Type.String(),
      days: Type.Union([Type.Integer(), Type.Null()]),
      from: Type.Union([Type.String(), Type.Null()]),
      to: Type.String(),
    }),
  }),
  qualifiedTier: Type.Union([TierRef, Type.Null()], {
    description: 'What the metric reaches now, before grace, minimum stay and overrides',
  }),
  nextTier: Type.Union([
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      threshold: Type.Integer(),
      remaining: Type.Integer(),
    }),
    Type.Null(),
  ]),
  keepCurrent: Type.Union([
    Type.Object({
      threshold: Type.Integer(),
      remaining: Type.Integer({ description: '0 = the member keeps the tier at re-evaluation' }),
    }),
    Type.Null(),
  ]),
});
export type MemberTierView = Static<typeof MemberTierSchema>;

export const OverrideBody = Type.Object(
  {
    tierCode: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' }),
    until: IsoDateTime('The override ends at this instant; re-evaluation after it applies the metric again'),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type OverrideInput = Static<typeof OverrideBody>;

export const TierHistoryItem = Type.Object({
  entryId: Type.String(),
  at: Type.String(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String({
    description:
      'upgrade | downgrade | grace_started | grace_cleared | override | override_removed | override_expired | ladder_changed',
  }),
  receiptId: Type.Optional(Type.String()),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  note: Type.Optional(Type.String()),
});

export const BenefitsSchema = Type.Object({
  memberId: Type.String(),
  tier: Type.Union([TierBenefitsSchema, Type.Null()]),
  membership: Type.Union([
    Type.Object({
      ...TierBenefitsSchema.properties,
      membershipId: Type.String(),
      status: Type.String(),
      currentPeriodEnd: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  combined: Type.Union([TierBenefitsSchema, Type.Null()], {
    description: 'What receipts apply: the largest discount, multipliers multiplied, all perks',
  }),
  freeDelivery: Type.Boolean({ description: 'Shortcut for combined.perks containing free_delivery' }),
});

export const MemberParams = Type.Object({ memberId: Id() });
