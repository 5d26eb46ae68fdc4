import { Type } from '@sinclair/typebox';
import { idempotencyKeyOf, principalOf, type RoutePlugin } from '../../platform/route-plugin';
import {
  decodeCursor,
  encodeCursor,
  errorResponses,
  Id,
  IsoDateTime,
  ListQuery,
  Page,
} from '../../platform/schemas';
import { isIdCursor, MemberIdParams, Nullable } from '../members/members.schemas';
import { getMemberOrThrow } from '../members/members.service';
import { defaultEmptyBody, writeContextOf } from '../members/write-context';
import {
  activateMemberCard,
  blockCardAudited,
  cardNumberOrThrow,
  createCardBatchAudited,
  replaceMemberCard,
} from './card-actions.service';
import {
  generateBatchNumbers,
  getBatchOrThrow,
  getCardViewOrThrow,
  listCardBatches,
  listCardsOfMember,
  MAX_BATCH_SIZE,
  rowToBatch,
} from './cards.service';

const CardSchema = Type.Object({
  cardNumber: Type.String(),
  memberId: Nullable(Type.String()),
  kind: Type.Union([Type.Literal('virtual'), Type.Literal('plastic'), Type.Literal('external')]),
  status: Type.Union([
    Type.Literal('unbound'),
    Type.Literal('active'),
    Type.Literal('blocked'),
    Type.Literal('replaced'),
  ]),
  batchId: Nullable(Type.String()),
  boundAt: Nullable(IsoDateTime()),
  blockedAt: Nullable(IsoDateTime()),
  blockReason: Nullable(Type.String()),
  replacedBy: Nullable(Type.String()),
});

const BatchSchema = Type.Object({
  batchId: Type.String(),
  prefix: Type.String(),
  count: Type.Integer(),
  firstNumber: Type.String(),
  lastNumber: Type.String(),
  note: Type.String(),
  createdAt: IsoDateTime(),
});

const CardParams = Type.Object({ cardNumber: Id('The card number') });

export const cardRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/card-batches',
    {
      schema: {
        tags: ['cards'],
        summary: 'Reserve a batch of plastic card numbers for printing',
        description:
          'Reserves `count` consecutive EAN-13 numbers (prefix + serial + check digit, 13 digits) for the print ' +
          'house; nothing is bound until a cashier activates a card by enrolling a member with it or binding it ' +
          '(POST /v1/members/{memberId}/cards). Prefixes starting with 2 stay in the GS1 in-store range; 299 is ' +
          'reserved for virtual cards. Download the numbers from GET /v1/card-batches/{batchId}/numbers.',
        body: Type.Object({
          prefix: Type.String({ pattern: '^[0-9]{1,8}$', description: '1–8 digits, e.g. 25' }),
          count: Type.Integer({ minimum: 1, maximum: MAX_BATCH_SIZE }),
          note: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: BatchSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const batch = await createCardBatchAudited(
        deps.db,
        writeContextOf(request, p, deps),
        {
          prefix: request.body.prefix,
          count: request.body.count,
          note: request.body.note ?? '',
        },
        idempotencyKeyOf(request, false),
      );
      return reply.status(201).send(batch);
    },
  );

  app.get(
    '/card-batches',
    {
      schema: {
        tags: ['cards'],
        summary: 'List card batches, newest first',
        querystring: ListQuery,
        response: { 200: Page(BatchSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const limit = request.query.limit ?? 50;
      const page = await listCardBatches(deps.db, p.tenantId, {
        limit,
        beforeId: decodeCursor(request.query.cursor, isIdCursor),
      });
      const last = page.rows[page.rows.length - 1];
      return { items: page.rows, nextCursor: page.more && last ? encodeCursor(last.batchId) : null };
    },
  );

  app.get(
    '/card-batches/:batchId',
    {
      schema: {
        tags: ['cards'],
        summary: 'Get a card batch',
        params: Type.Object({ batchId: Id() }),
        response: { 200: BatchSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      return rowToBatch(await getBatchOrThrow(deps.db, p.tenantId, request.params.batchId));
    },
  );

  app.get(
    '/card-batches/:batchId/numbers',
    {
      schema: {
        tags: ['cards'],
        summary: 'The numbers of a batch as CSV, for the print house',
        description:
          'text/csv with a header line `cardNumber`; each number is a valid EAN-13 (print as EAN-13 or Code 128).',
        params: Type.Object({ batchId: Id() }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:read');
      const batch = await getBatchOrThrow(deps.db, p.tenantId, request.params.batchId);
      const lines = ['cardNumber', ...generateBatchNumbers(batch)];
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${batch.id}.csv"`)
        .send(`${lines.join('\n')}\n`);
    },
  );

  app.get(
    '/cards/:cardNumber',
    {
      schema: {
        tags: ['cards'],
        summary: 'Look a card up',
        description:
          'Bound cards with their member and status; printed batch cards nobody has bound yet are `unbound`.',
        params: CardParams,
        response: { 200: CardSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      return getCardViewOrThrow(
        deps.db,
        p.tenantId,
        cardNumberOrThrow(request.params.cardNumber, 'params.cardNumber'),
      );
    },
  );

  app.post(
    '/cards/:cardNumber/block',
    {
      preValidation: defaultEmptyBody,
      schema: {
        tags: ['cards'],
        summary: 'Block a lost or stolen card',
        description:
          'The card stops identifying its member at once; the member and their balance stay. Replace it with ' +
          'POST /v1/cards/{cardNumber}/replace. An unbound printed card can be blocked too, so nobody binds it later.',
        params: CardParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: CardSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:write');
      return blockCardAudited(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.cardNumber,
        request.body.reason ?? null,
      );
    },
  );

  app.post(
    '/cards/:cardNumber/replace',
    {
      preValidation: defaultEmptyBody,
      schema: {
        tags: ['cards'],
        summary: 'Replace a card, keeping the member and the balance',
        description:
          'Binds `newCardNumber` (a plastic card handed over at the till) or, without it, a new virtual card to the ' +
          'same member; the old card becomes `replaced` and no longer identifies anyone. Points live on the member, ' +
          'so nothing moves.',
        params: CardParams,
        body: Type.Object({ newCardNumber: Type.Optional(Type.String({ maxLength: 40 })) }),
        response: { 201: CardSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const card = await replaceMemberCard(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.cardNumber,
        request.body.newCardNumber,
        idempotencyKeyOf(request, false),
      );
      return reply.status(201).send(card);
    },
  );

  app.get(
    '/members/:memberId/cards',
    {
      schema: {
        tags: ['cards'],
        summary: "A member's cards, the current one first",
        params: MemberIdParams,
        response: { 200: Page(CardSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const member = await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      return { items: await listCardsOfMember(deps.db, p.tenantId, member.memberId), nextCursor: null };
    },
  );

  app.post(
    '/members/:memberId/cards',
    {
      preValidation: defaultEmptyBody,
      schema: {
        tags: ['cards'],
        summary: 'Activate a card for a member at the till (or issue a virtual one)',
        description:
          'Binds a plastic card (from a printed batch, or an external number of a previous program) to the member. ' +
          'Without `cardNumber` a new virtual card is issued. A card that already belongs to a member is 409 ' +
          '`member_exists` with `details.memberId`.',
        params: MemberIdParams,
        body: Type.Object({ cardNumber: Type.Optional(Type.String({ maxLength: 40 })) }),
        response: { 201: CardSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const card = await activateMemberCard(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.memberId,
        request.body.cardNumber,
        idempotencyKeyOf(request, false),
      );
      return reply.status(201).send(card);
    },
  );
};
