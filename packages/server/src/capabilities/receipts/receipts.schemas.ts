import { type Static, Type } from '@sinclair/typebox';
import { Id, IsoDateTime } from '../../platform/schemas';

const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });

export const ReceiptMemberRef = Type.Object(
  {
    memberId: Type.Optional(Id('Kopilka member id')),
    cardNumber: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'Loyalty card number (plastic or virtual)' }),
    ),
    qrToken: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, description: "Rotating code from the member's cabinet" }),
    ),
    phone: Type.Optional(
      Type.String({ minLength: 3, maxLength: 32, description: 'Any common format; normalized to E.164' }),
    ),
    otp: Type.Optional(
      Type.String({
        minLength: 4,
        maxLength: 12,
        description: 'One-time code from POST /v1/verifications; needed to spend points by phone',
      }),
    ),
  },
  {
    description:
      'Exactly one of memberId, cardNumber, qrToken or phone (with otp to spend points). Absent = anonymous receipt.',
  },
);

export const ReceiptLineBody = Type.Object({
  lineId: Id('Unique within the receipt'),
  sku: Type.Optional(Text(128, 'Free text')),
  category: Type.Optional(Text(128, 'Free text; campaign and exclusion rules match it')),
  quantity: Type.Union(
    [Type.Number({ exclusiveMinimum: 0 }), Type.String({ pattern: '^[0-9]{1,9}(\\.[0-9]{1,3})?$' })],
    {
      description: '> 0, up to 3 decimals',
    },
  ),
  amountMinor: Type.Integer({
    minimum: 0,
    maximum: 1_000_000_000_000,
    description: 'Line total before loyalty effects, minor units',
  }),
});

export const ReceiptBody = Type.Object({
  receiptId: Id('Your id for the receipt; confirm is idempotent by it'),
  occurredAt: Type.Optional(
    IsoDateTime('When the sale happened; defaults to now; offline tills send the real time'),
  ),
  storeId: Type.Optional(Text(128)),
  terminalId: Type.Optional(Text(128)),
  channel: Type.Optional(Type.Union([Type.Literal('pos'), Type.Literal('web'), Type.Literal('app')])),
  member: Type.Optional(ReceiptMemberRef),
  lines: Type.Array(ReceiptLineBody, { minItems: 1, maxItems: 1000 }),
  coupons: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
  pointsToSpend: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
  reservePoints: Type.Optional(
    Type.Boolean({
      description:
        'calculate only: hold the points this receipt would spend for 5 minutes, so that its confirm cannot fail for a spend made elsewhere meanwhile; the confirm of the same receiptId consumes the hold, otherwise it lapses.',
    }),
  ),
});
export type ReceiptBodyInput = Static<typeof ReceiptBody>;

const Figures = {
  amountMinor: Type.Integer(),
  discountMinor: Type.Integer(),
  pointsSpent: Type.Integer(),
  pointsSpentMinor: Type.Integer(),
  payableMinor: Type.Integer(),
  pointsEarned: Type.Integer(),
};

export const ReceiptLineView = Type.Object({
  lineId: Type.String(),
  sku: Type.String(),
  category: Type.String(),
  quantity: Type.String(),
  discountPercent: Type.String(),
  ...Figures,
  refundedQuantity: Type.Optional(Type.String()),
});

export const ReceiptEffectView = Type.Object({
  campaignId: Type.Union([Type.String(), Type.Null()]),
  tierCode: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  kind: Type.String(),
  description: Type.String(),
  descriptionRu: Type.String(),
  lineIds: Type.Array(Type.String()),
  percent: Type.Optional(Type.String()),
  discountMinor: Type.Optional(Type.Integer()),
  multiplier: Type.Optional(Type.String()),
  points: Type.Optional(Type.Integer()),
  pointsPerUnit: Type.Optional(Type.String()),
  freeUnits: Type.Optional(Type.Number()),
  stampsAdded: Type.Optional(Type.Integer()),
  stampsProgress: Type.Optional(Type.Integer()),
  spendCountedMinor: Type.Optional(Type.Integer()),
  progressMinor: Type.Optional(Type.Integer()),
  seriesId: Type.Optional(Type.String()),
});

export const BalanceView = Type.Object({ available: Type.Integer(), pending: Type.Integer() });

export const RefundView = Type.Object({
  refundId: Type.String(),
  kind: Type.String(),
  createdAt: Type.String(),
  amountMinor: Type.Integer(),
  pointsReturned: Type.Integer(),
  pointsRevoked: Type.Integer(),
  pointsWrittenOff: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      lineId: Type.String(),
      quantity: Type.String(),
      amountMinor: Type.Integer(),
      pointsReturned: Type.Integer(),
      pointsRevoked: Type.Integer(),
    }),
  ),
});

export const ReceiptView = Type.Object({
  receiptId: Type.String(),
  status: Type.String({ description: 'calculated | confirmed | partially_refunded | refunded | cancelled' }),
  memberId: Type.Union([Type.String(), Type.Null()]),
  occurredAt: Type.String(),
  storeId: Type.Union([Type.String(), Type.Null()]),
  terminalId: Type.Union([Type.String(), Type.Null()]),
  totals: Type.Object({ ...Figures, maxPointsToSpend: Type.Integer() }),
  lines: Type.Array(ReceiptLineView),
  effects: Type.Array(ReceiptEffectView),
  earn: Type.Object({
    points: Type.Integer(),
    activatesAt: Type.Union([Type.String(), Type.Null()]),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
  }),
  coupons: Type.Object({ applied: Type.Array(Type.String()), unused: Type.Array(Type.String()) }),
  balance: Type.Union([BalanceView, Type.Null()]),
  refunds: Type.Optional(Type.Array(RefundView)),
  freeDelivery: Type.Optional(
    Type.Boolean({ description: 'A campaign or benefit grants free delivery (web shops)' }),
  ),
  hold: Type.Optional(
    Type.Union([
      Type.Object({ holdId: Type.String(), points: Type.Integer(), expiresAt: Type.String() }),
      Type.Null(),
    ]),
  ),
  confirmedAt: Type.Optional(Type.String()),
});
export type ReceiptViewType = Static<typeof ReceiptView>;

export const RefundBody = Type.Object({
  refundId: Id('Your id for the refund; idempotent by it'),
  lines: Type.Optional(
    Type.Array(
      Type.Object({
        lineId: Id(),
        quantity: Type.Union([
          Type.Number({ exclusiveMinimum: 0 }),
          Type.String({ pattern: '^[0-9]{1,9}(\\.[0-9]{1,3})?$' }),
        ]),
      }),
      { minItems: 1, maxItems: 1000 },
    ),
  ),
});

export const RefundResult = Type.Object({
  refundId: Type.String(),
  receiptId: Type.String(),
  status: Type.String(),
  pointsReturned: Type.Integer(),
  pointsRevoked: Type.Integer(),
  pointsWrittenOff: Type.Integer(),
  amountMinor: Type.Integer({ description: "Money to give back: the refunded quantities' payableMinor" }),
  lines: RefundView.properties.lines,
  balance: Type.Union([BalanceView, Type.Null()]),
});
export type RefundResultType = Static<typeof RefundResult>;

export const ReceiptListQuery = Type.Object({
  memberId: Type.Optional(Id()),
  storeId: Type.Optional(Type.String({ maxLength: 128 })),
  from: Type.Optional(IsoDateTime()),
  to: Type.Optional(IsoDateTime()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});
