import { type Static, Type } from '@sinclair/typebox';
import { Id, IsoDateTime, ListQuery } from '../../platform/schemas';

export const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** Cursors of lists ordered by a prefixed, time-sortable id (mbr_…, note_…, cbt_…). */
export const isIdCursor = (v: unknown): v is string =>
  typeof v === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(v);

export const MemberIdParams = Type.Object({ memberId: Id('The member id (mbr_…)') });

export const ConsentChannelSchema = Type.Union(
  [Type.Literal('email'), Type.Literal('sms'), Type.Literal('push'), Type.Literal('any')],
  { description: 'email, sms or push for marketing; any (or absent) for personal_data' },
);
export const ConsentPurposeSchema = Type.Union([Type.Literal('marketing'), Type.Literal('personal_data')]);
export const ConsentSourceSchema = Type.Union(
  (['till', 'web', 'import', 'api', 'console'] as const).map((s) => Type.Literal(s)),
  { description: 'Where the member gave or withdrew the consent' },
);

export const ConsentInputSchema = Type.Object({
  channel: Type.Optional(ConsentChannelSchema),
  purpose: ConsentPurposeSchema,
  granted: Type.Boolean(),
  textVersion: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Version of the agreement text shown' }),
  ),
  source: Type.Optional(ConsentSourceSchema),
  evidence: Type.Optional(
    Type.Object(
      {
        ip: Type.Optional(Type.String({ maxLength: 64 })),
        userAgent: Type.Optional(Type.String({ maxLength: 512 })),
      },
      {
        additionalProperties: true,
        description: 'Proof of the consent (IP address, user agent…); personal data, wiped on erase',
      },
    ),
  ),
});

export const ConsentSchema = Type.Object({
  channel: ConsentChannelSchema,
  purpose: ConsentPurposeSchema,
  granted: Type.Boolean(),
  textVersion: Nullable(Type.String()),
  source: ConsentSourceSchema,
  updatedAt: IsoDateTime(),
});

export const ConsentEventSchema = Type.Object({
  consentEventId: Type.String(),
  channel: ConsentChannelSchema,
  purpose: ConsentPurposeSchema,
  granted: Type.Boolean(),
  textVersion: Nullable(Type.String()),
  source: ConsentSourceSchema,
  at: IsoDateTime(),
  actorType: Type.String(),
  actorId: Nullable(Type.String()),
});

const Attributes = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'Custom attributes, typed by the tenant schema (GET /v1/member-attributes)',
  },
);

const memberFields = {
  phone: Type.String({ maxLength: 40, description: 'Any common format; stored in E.164 (+79161234567)' }),
  email: Type.String({ maxLength: 254, description: 'Compared without case' }),
  firstName: Type.String({ maxLength: 100 }),
  lastName: Type.String({ maxLength: 100 }),
  birthDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
  externalId: Type.String({ maxLength: 128, description: "The member's id in the business's own systems" }),
};

export const CreateMemberBody = Type.Object({
  phone: Type.Optional(memberFields.phone),
  email: Type.Optional(memberFields.email),
  firstName: Type.Optional(memberFields.firstName),
  lastName: Type.Optional(memberFields.lastName),
  birthDate: Type.Optional(memberFields.birthDate),
  externalId: Type.Optional(memberFields.externalId),
  cardNumber: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'A plastic card handed over at sign-up; without it a virtual card is issued',
    }),
  ),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 })),
  attributes: Type.Optional(Attributes),
  consents: Type.Optional(Type.Array(ConsentInputSchema, { maxItems: 10 })),
});

export const UpdateMemberBody = Type.Object({
  phone: Type.Optional(Nullable(memberFields.phone)),
  email: Type.Optional(Nullable(memberFields.email)),
  firstName: Type.Optional(Nullable(memberFields.firstName)),
  lastName: Type.Optional(Nullable(memberFields.lastName)),
  birthDate: Type.Optional(Nullable(memberFields.birthDate)),
  externalId: Type.Optional(Nullable(memberFields.externalId)),
  tags: Type.Optional(
    Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50, description: 'Replaces the tags' }),
  ),
  attributes: Type.Optional(
    Type.Object(
      {},
      { additionalProperties: true, description: 'Merged into the attributes; null removes a key' },
    ),
  ),
});

export const MemberSchema = Type.Object(
  {
    memberId: Type.String(),
    cardNumber: Nullable(Type.String({ description: 'The current active card (EAN-13 for our cards)' })),
    phone: Nullable(Type.String()),
    email: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    birthDate: Nullable(Type.String()),
    externalId: Nullable(Type.String()),
    status: Type.Union(
      [Type.Literal('active'), Type.Literal('blocked'), Type.Literal('anonymized'), Type.Literal('merged')],
      {
        description:
          '`merged`: a duplicate merged into `mergedInto` (final; receipts by its id go to the survivor)',
      },
    ),
    statusReason: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    attributes: Attributes,
    householdId: Nullable(Type.String()),
    mergedInto: Type.Optional(
      Nullable(Type.String({ description: 'For a merged duplicate: the member it was merged into' })),
    ),
    source: Type.String(),
    createdAt: IsoDateTime(),
    updatedAt: IsoDateTime(),
    consents: Type.Optional(Type.Array(ConsentSchema)),
  },
  { $id: 'Member' },
);

export const MemberListQuery = Type.Composite([
  ListQuery,
  Type.Object({
    phone: Type.Optional(Type.String({ maxLength: 40, description: 'Exact phone, any format' })),
    email: Type.Optional(Type.String({ maxLength: 254, description: 'Exact email, any case' })),
    cardNumber: Type.Optional(Type.String({ maxLength: 40, description: 'An active card' })),
    externalId: Type.Optional(Type.String({ maxLength: 128 })),
    q: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 100,
        description:
          'Console search: a name prefix ("Ivan", "Ivanov Iv") or 3+ digits of a phone (start or end)',
      }),
    ),
    status: Type.Optional(
      Type.Union([
        Type.Literal('active'),
        Type.Literal('blocked'),
        Type.Literal('anonymized'),
        Type.Literal('merged'),
      ]),
    ),
    tag: Type.Optional(Type.String({ maxLength: 50 })),
  }),
]);

export const NoteSchema = Type.Object({
  noteId: Type.String(),
  text: Type.String(),
  authorType: Type.String(),
  authorId: Nullable(Type.String()),
  createdAt: IsoDateTime(),
});

export const AttributeDefSchema = Type.Object({
  key: Type.String({ maxLength: 40, description: 'snake_case, e.g. favourite_drink' }),
  type: Type.Union(
    (['string', 'number', 'integer', 'boolean', 'date', 'enum'] as const).map((t) => Type.Literal(t)),
  ),
  label: Type.Optional(Type.String({ maxLength: 100 })),
  values: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
});

export type CreateMemberBodyT = Static<typeof CreateMemberBody>;
