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
import { eraseMember, exportMemberData } from './data-requests.service';
import {
  AttributeDefSchema,
  CreateMemberBody,
  isIdCursor,
  MemberIdParams,
  MemberListQuery,
  MemberSchema,
  NoteSchema,
  UpdateMemberBody,
} from './members.schemas';
import {
  addNote,
  createMember,
  deleteNote,
  getMemberDetails,
  getMemberOrThrow,
  listAttributeDefs,
  listMembers,
  listNotes,
  replaceAttributeDefs,
  setMemberStatus,
  updateMember,
} from './members.service';
import { issueQrToken } from './qr-token.service';
import { buildTimeline, isTimelineCursor } from './timeline.service';
import { consentSourceOf, defaultEmptyBody, writeContextOf } from './write-context';

export const memberRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Enrol a member',
        description:
          'Needs at least one of phone, email, externalId, cardNumber. Phones are normalized to E.164 using the ' +
          "tenant's default region (RU: `+7 (916) 123-45-67`, `8 916 123 45 67` and `+79161234567` are one member); " +
          'emails are compared without case. A phone, email, externalId or card that already belongs to a member ' +
          'answers 409 `member_exists` with `details.memberId`. Without `cardNumber` a virtual card is issued; ' +
          'a plastic card from a printed batch is activated by passing its number.',
        body: CreateMemberBody,
        response: { 201: MemberSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const member = await createMember(
        deps.db,
        {
          ...writeContextOf(request, p, deps),
          source: p.actorType === 'staff' ? 'console' : 'api',
          consentSource: consentSourceOf(p),
        },
        request.body,
        { idempotencyKey: idempotencyKeyOf(request, false) },
      );
      return reply.status(201).send(member);
    },
  );

  app.get(
    '/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Find members',
        description:
          'Exact lookups by `phone` (any format), `email` (any case), `cardNumber` (an active card) or `externalId`; ' +
          '`q` searches the console way: a name prefix ("Ivan", "Ivanov Iv") or at least 3 digits of a phone, matched ' +
          'at its start or its end. Newest first.',
        querystring: MemberListQuery,
        response: { 200: Page(MemberSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const { limit = 50, cursor, ...filter } = request.query;
      const page = await listMembers(deps.db, p.tenantId, {
        ...filter,
        limit,
        beforeId: decodeCursor(cursor, isIdCursor),
      });
      const last = page.items[page.items.length - 1];
      return { items: page.items, nextCursor: page.more && last ? encodeCursor(last.memberId) : null };
    },
  );

  app.get(
    '/members/:memberId',
    {
      schema: {
        tags: ['members'],
        summary: 'Get a member',
        description: 'The profile with the current card and consents.',
        params: MemberIdParams,
        response: { 200: MemberSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      return getMemberDetails(deps.db, p.tenantId, request.params.memberId);
    },
  );

  app.patch(
    '/members/:memberId',
    {
      schema: {
        tags: ['members'],
        summary: 'Change a member',
        description:
          'Only the fields sent change; `null` clears a field. `tags` replaces the tag list; `attributes` is merged ' +
          '(a `null` value removes that attribute). Cards are changed through the card endpoints.',
        params: MemberIdParams,
        body: UpdateMemberBody,
        response: { 200: MemberSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:write');
      return updateMember(deps.db, writeContextOf(request, p, deps), request.params.memberId, request.body);
    },
  );

  const StatusBody = Type.Object({
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why (shown to staff)' })),
  });
  app.post(
    '/members/:memberId/block',
    {
      preValidation: defaultEmptyBody,
      schema: {
        tags: ['members'],
        summary: 'Block a member',
        description:
          'A blocked member neither earns nor spends points. Blocking a blocked member changes nothing.',
        params: MemberIdParams,
        body: StatusBody,
        response: { 200: MemberSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:write');
      return setMemberStatus(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.memberId,
        'blocked',
        request.body.reason ?? null,
      );
    },
  );

  app.post(
    '/members/:memberId/unblock',
    {
      schema: {
        tags: ['members'],
        summary: 'Unblock a member',
        params: MemberIdParams,
        response: { 200: MemberSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:write');
      return setMemberStatus(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.memberId,
        'active',
        null,
      );
    },
  );

  app.get(
    '/members/:memberId/qr-token',
    {
      schema: {
        tags: ['members'],
        summary: "The member's rotating QR code",
        description:
          'A short-lived signed token for the member cabinet to show as a QR code; a till sends it as ' +
          '`member: { qrToken }`. A token is accepted for 30 to 60 seconds (its window and the next), so a ' +
          'screenshot soon stops working. Fetch a new one before `expiresAt`.',
        params: MemberIdParams,
        response: {
          200: Type.Object({
            qrToken: Type.String(),
            expiresAt: IsoDateTime(),
            windowSeconds: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const member = await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      const token = await issueQrToken(deps.db, p.tenantId, member.memberId, deps.now());
      return { ...token, expiresAt: token.expiresAt.toISOString() };
    },
  );

  app.get(
    '/members/:memberId/notes',
    {
      schema: {
        tags: ['members'],
        summary: "A member's notes, newest first",
        params: MemberIdParams,
        querystring: ListQuery,
        response: { 200: Page(NoteSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const limit = request.query.limit ?? 50;
      const page = await listNotes(deps.db, p.tenantId, request.params.memberId, {
        limit,
        beforeId: decodeCursor(request.query.cursor, isIdCursor),
      });
      const last = page.items[page.items.length - 1];
      return { items: page.items, nextCursor: page.more && last ? encodeCursor(last.noteId) : null };
    },
  );

  app.post(
    '/members/:memberId/notes',
    {
      schema: {
        tags: ['members'],
        summary: 'Add a free-text note about a member',
        description: 'Notes are for staff; they are deleted when the member is erased.',
        params: MemberIdParams,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }),
        response: { 201: NoteSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const note = await addNote(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.memberId,
        request.body.text,
        idempotencyKeyOf(request, false),
      );
      return reply.status(201).send(note);
    },
  );

  app.delete(
    '/members/:memberId/notes/:noteId',
    {
      schema: {
        tags: ['members'],
        summary: 'Delete a note',
        params: Type.Object({ memberId: Id(), noteId: Id() }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      await deleteNote(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.memberId,
        request.params.noteId,
      );
      return reply.status(204).send();
    },
  );

  app.get(
    '/members/:memberId/export',
    {
      schema: {
        tags: ['members'],
        summary: 'Export everything held about a member (data-subject access request)',
        description:
          'The profile, cards, current consents and their full history, notes, household, points history and the ' +
          'activity log, as one JSON document (152-FZ art. 14, GDPR art. 15). The export itself is audited.',
        params: MemberIdParams,
        response: {
          200: Type.Object(
            { exportedAt: IsoDateTime(), member: MemberSchema },
            {
              additionalProperties: true,
              description: 'Plus one key per data section (cards, consents, notes, …)',
            },
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      return exportMemberData(deps.db, writeContextOf(request, p, deps), request.params.memberId);
    },
  );

  app.post(
    '/members/:memberId/erase',
    {
      schema: {
        tags: ['members'],
        summary: "Erase a member's personal data (anonymize)",
        description:
          'Removes phone, email, names, birth date, external id, tags, attributes, notes, one-time codes and consent ' +
          'evidence; withdraws consents; blocks the cards. The member id, the points ledger and the receipts stay ' +
          'for accounting, so `ledger verify` still holds. The member becomes `anonymized` and can no longer be ' +
          'found by any identifier. Irreversible; repeating it changes nothing. Audited.',
        params: MemberIdParams,
        response: { 200: MemberSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:write');
      return eraseMember(deps.db, writeContextOf(request, p, deps), request.params.memberId);
    },
  );

  app.get(
    '/members/:memberId/timeline',
    {
      schema: {
        tags: ['members'],
        summary: "The member's timeline, newest first",
        description:
          'One paginated feed of what happened to the member: joining, profile and status changes, consents, ' +
          'notes, card changes (more sources — points, receipts, messages — join the same feed).',
        params: MemberIdParams,
        querystring: ListQuery,
        response: {
          200: Page(
            Type.Object({
              itemId: Type.String(),
              at: IsoDateTime(),
              type: Type.String({
                description: 'e.g. member.joined, consent.granted, note.added, card.replaced',
              }),
              source: Type.String(),
              summary: Type.String(),
              data: Type.Object({}, { additionalProperties: true }),
            }),
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const page = await buildTimeline(deps.db, p.tenantId, request.params.memberId, {
        limit: request.query.limit ?? 50,
        before: decodeCursor(request.query.cursor, isTimelineCursor),
      });
      return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
    },
  );

  const AttributeList = Type.Object({ items: Type.Array(AttributeDefSchema, { maxItems: 100 }) });
  app.get(
    '/member-attributes',
    {
      schema: {
        tags: ['members'],
        summary: "The tenant's custom member attributes",
        response: { 200: AttributeList, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const defs = await listAttributeDefs(deps.db, p.tenantId);
      return {
        items: defs.map((d) => ({
          key: d.key,
          type: d.type,
          label: d.label,
          ...(d.values ? { values: d.values } : {}),
        })),
      };
    },
  );

  app.put(
    '/member-attributes',
    {
      schema: {
        tags: ['members'],
        summary: "Replace the tenant's custom member attributes",
        description:
          'Each attribute has a key and a type (string, number, integer, boolean, date, enum with `values`). ' +
          'Member `attributes` are validated against this list; values stored earlier are not rewritten.',
        body: AttributeList,
        response: { 200: AttributeList, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'program:write');
      const defs = await replaceAttributeDefs(deps.db, writeContextOf(request, p, deps), request.body.items);
      return {
        items: defs.map((d) => ({
          key: d.key,
          type: d.type,
          label: d.label,
          ...(d.values ? { values: d.values } : {}),
        })),
      };
    },
  );
};
