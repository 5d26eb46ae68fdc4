import { type Static, Type } from '@sinclair/typebox';
import { Id } from '../../platform/schemas';

const DecimalString = (description: string) =>
  Type.String({ pattern: '^-?\\d+(\\.\\d+)?$', maxLength: 64, description });
const Perks = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), {
  maxItems: 50,
  description: 'Named flags, e.g. free_delivery, closed_sales',
});
const Period = Type.Union([Type.Literal('month'), Type.Literal('year'), Type.Literal('lifetime')], {
  description: 'How long one payment lasts',
});

const planFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  priceMinor: Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'What one period costs (the shop or till charges it; Kopilka records payments)',
  }),
  trialDays: Type.Integer({
    minimum: 0,
    maximum: 3650,
    description: 'Free days before the first payment; 0 = pay to join',
  }),
  discountPercent: DecimalString(
    'Percent off every line, "0" to "100"; combined with the tier: the larger wins',
  ),
  earnMultiplier: DecimalString('Multiplies earn.pointsPerUnit; multiplied with the tier multiplier'),
  perks: Perks,
  freeDelivery: Type.Boolean({ description: 'Shortcut for the free_delivery perk' }),
  maxPointsPercent: Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()]),
  dividendPercent: Type.Union([
    DecimalString('Share of the money paid in the ending period credited as points at renewal'),
    Type.Null(),
  ]),
  renewalNoticeDays: Type.Integer({
    minimum: 0,
    maximum: 365,
    description: 'membership.renewal_due is emitted this many days before a period ends',
  }),
};

export const CreatePlanBody = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' }),
    name: planFields.name,
    period: Period,
    priceMinor: planFields.priceMinor,
    trialDays: Type.Optional(planFields.trialDays),
    discountPercent: Type.Optional(planFields.discountPercent),
    earnMultiplier: Type.Optional(planFields.earnMultiplier),
    perks: Type.Optional(planFields.perks),
    freeDelivery: Type.Optional(planFields.freeDelivery),
    maxPointsPercent: Type.Optional(planFields.maxPointsPercent),
    dividendPercent: Type.Optional(planFields.dividendPercent),
    renewalNoticeDays: Type.Optional(planFields.renewalNoticeDays),
  },
  { additionalProperties: false },
);
export type CreatePlanInput = Static<typeof CreatePlanBody>;

export const PatchPlanBody = Type.Object(
  {
    name: Type.Optional(planFields.name),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('archived')], {
        description: 'archived plans take no new subscribers; live memberships keep running',
      }),
    ),
    priceMinor: Type.Optional(planFields.priceMinor),
    trialDays: Type.Optional(planFields.trialDays),
    discountPercent: Type.Optional(planFields.discountPercent),
    earnMultiplier: Type.Optional(planFields.earnMultiplier),
    perks: Type.Optional(planFields.perks),
    freeDelivery: Type.Optional(planFields.freeDelivery),
    maxPointsPercent: Type.Optional(planFields.maxPointsPercent),
    dividendPercent: Type.Optional(planFields.dividendPercent),
    renewalNoticeDays: Type.Optional(planFields.renewalNoticeDays),
  },
  { additionalProperties: false },
);
export type PatchPlanInput = Static<typeof PatchPlanBody>;

export const PlanSchema = Type.Object({
  planId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  status: Type.String(),
  period: Type.String(),
  priceMinor: Type.Integer(),
  trialDays: Type.Integer(),
  discountPercent: Type.String(),
  earnMultiplier: Type.String(),
  perks: Type.Array(Type.String()),
  freeDelivery: Type.Boolean(),
  maxPointsPercent: Type.Union([Type.Integer(), Type.Null()]),
  dividendPercent: Type.Union([Type.String(), Type.Null()]),
  renewalNoticeDays: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type PlanView = Static<typeof PlanSchema>;

export const SubscribeBody = Type.Object(
  {
    planId: Id('The plan (its planId or code)'),
    paymentReference: Type.Optional(
      Id(
        'The payment the shop or till took (receipt, transaction or order id); required unless the plan starts with a trial',
      ),
    ),
    amountMinor: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Money taken; defaults to the plan price',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SubscribeInput = Static<typeof SubscribeBody>;

export const RenewalBody = Type.Object(
  {
    paymentReference: Id('The payment the shop or till took for the next period'),
    amountMinor: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Money taken; defaults to the plan price',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RenewalInput = Static<typeof RenewalBody>;

export const CancelBody = Type.Object(
  {
    atPeriodEnd: Type.Optional(
      Type.Boolean({
        description:
          'true (default): benefits last until the paid period ends, then the membership ends; false: ends now',
      }),
    ),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CancelInput = Static<typeof CancelBody>;

export const PaymentSchema = Type.Object({
  paymentId: Type.String(),
  kind: Type.String({ description: 'subscribe | renewal' }),
  paymentReference: Type.Union([Type.String(), Type.Null()]),
  amountMinor: Type.Integer(),
  periodStart: Type.String(),
  periodEnd: Type.Union([Type.String(), Type.Null()]),
  dividendPoints: Type.Integer({ description: 'Points credited with this renewal (annual dividend)' }),
  paidAt: Type.String(),
});

export const MembershipSchema = Type.Object({
  membershipId: Type.String(),
  memberId: Type.String(),
  planId: Type.String(),
  planCode: Type.String(),
  planName: Type.String(),
  status: Type.String({ description: 'trial | active | cancelled | expired' }),
  startedAt: Type.String(),
  currentPeriodStart: Type.String(),
  currentPeriodEnd: Type.Union([Type.String(), Type.Null()], {
    description: 'Benefits hold until this instant (exclusive); null = lifetime',
  }),
  cancelAtPeriodEnd: Type.Boolean(),
  cancelledAt: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  benefitsActive: Type.Boolean({ description: 'Whether the plan benefits apply now' }),
  payments: Type.Array(PaymentSchema),
});
export type MembershipView = Static<typeof MembershipSchema>;

export const PlanParams = Type.Object({ planId: Id() });
export const MemberParams = Type.Object({ memberId: Id() });
export const MembershipParams = Type.Object({ memberId: Id(), membershipId: Id() });
