import { Type } from '@sinclair/typebox';
import { Id, IsoDateTime, ListQuery } from '../../platform/schemas';

export const SeriesBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, examples: ['Autumn flyer'] }),
  kind: Type.Union([Type.Literal('unique'), Type.Literal('shared'), Type.Literal('personal')], {
    description:
      'unique = generated single codes (flyers, partners); shared = one promo code for everyone; personal = codes issued to members one by one',
  }),
  pattern: Type.Optional(
    Type.String({
      maxLength: 40,
      description:
        'unique/personal: X = random letter or digit (no 0/O, 1/I/L), # = random digit, A–Z 0–9 - kept as written',
      examples: ['CAFE-XXXX-XXXX'],
    }),
  ),
  count: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      description: 'unique: how many codes to generate (up to 1,000,000)',
    }),
  ),
  code: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'shared: the promo code (case-insensitive)',
      examples: ['AUTUMN10'],
    }),
  ),
  startsAt: Type.Optional(Type.Union([IsoDateTime('Codes are valid from'), Type.Null()])),
  endsAt: Type.Optional(Type.Union([IsoDateTime('Codes are valid until (exclusive)'), Type.Null()])),
  usesPerCode: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: 'Uses of each code (default 1; shared: null = unlimited)',
    }),
  ),
  usesPerMember: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: 'Uses of the series per member (null = no limit; needs identified members)',
    }),
  ),
  validDays: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
      description: 'personal: each coupon is valid this many days from issue',
    }),
  ),
});

export const SeriesView = Type.Object({
  seriesId: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  pattern: Type.Union([Type.String(), Type.Null()]),
  code: Type.Union([Type.String(), Type.Null()], { description: 'shared: the promo code' }),
  requestedCount: Type.Integer(),
  generatedCount: Type.Integer({ description: 'Codes that exist so far (personal: issued so far)' }),
  status: Type.String({ description: 'generating | ready | failed' }),
  progress: Type.Number({ description: '0–1 while generating' }),
  startsAt: Type.Union([Type.String(), Type.Null()]),
  endsAt: Type.Union([Type.String(), Type.Null()]),
  usesPerCode: Type.Union([Type.Integer(), Type.Null()]),
  usesPerMember: Type.Union([Type.Integer(), Type.Null()]),
  validDays: Type.Union([Type.Integer(), Type.Null()]),
  redeemed: Type.Integer({ description: 'Uses on confirmed receipts (not cancelled)' }),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const SeriesParams = Type.Object({ seriesId: Id() });

export const CodesQuery = Type.Object({
  ...ListQuery.properties,
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' })),
});

export const CouponView = Type.Object({
  code: Type.String(),
  seriesId: Type.String(),
  memberId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String({ description: 'active | void' }),
  uses: Type.Integer(),
  maxUses: Type.Union([Type.Integer(), Type.Null()]),
  startsAt: Type.Union([Type.String(), Type.Null()]),
  endsAt: Type.Union([Type.String(), Type.Null()]),
});

export const CouponCheckView = Type.Object({
  ...CouponView.properties,
  seriesName: Type.String(),
  valid: Type.Boolean({ description: 'Whether the code may be used now (for memberId, when given)' }),
  reason: Type.Union([Type.String(), Type.Null()], {
    description:
      'unknown | void | not_yet_valid | expired | used_up | member_required | other_member | member_limit_reached',
  }),
  message: Type.Union([Type.String(), Type.Null()]),
});

export const CouponCheckQuery = Type.Object({
  memberId: Type.Optional(Id('Check for this member (personal codes, per-member limits)')),
  at: Type.Optional(IsoDateTime('Check at this instant (default now)')),
});

export const CodeParams = Type.Object({ code: Id() });
export const IssueBody = Type.Object({ memberId: Id('The member who receives the coupon') });
export const MemberParams = Type.Object({ memberId: Id() });
