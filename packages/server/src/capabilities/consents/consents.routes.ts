import { idempotencyKeyOf, principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { decodeCursor, encodeCursor, errorResponses, ListQuery, Page } from '../../platform/schemas';
import {
  ConsentEventSchema,
  ConsentInputSchema,
  ConsentSchema,
  MemberIdParams,
} from '../members/members.schemas';
import { getMemberOrThrow } from '../members/members.service';
import { consentSourceOf, writeContextOf } from '../members/write-context';
import { changeConsent } from './consent-actions.service';
import { listConsentHistory, listConsents } from './consents.service';

const isEventCursor = (v: unknown): v is number => Number.isSafeInteger(v);

export const consentRoutes: RoutePlugin = (deps) => async (app) => {
  app.get(
    '/members/:memberId/consents',
    {
      schema: {
        tags: ['consents'],
        summary: "A member's current consents",
        description:
          'One entry per channel and purpose the member has ever answered: marketing per channel (email, sms, push), ' +
          'personal-data processing once (channel `any`). No entry means no consent.',
        params: MemberIdParams,
        response: { 200: Page(ConsentSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const member = await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      return { items: await listConsents(deps.db, p.tenantId, member.memberId), nextCursor: null };
    },
  );

  app.post(
    '/members/:memberId/consents',
    {
      schema: {
        tags: ['consents'],
        summary: 'Record a consent or its withdrawal',
        description:
          '`granted: false` withdraws. Send the version of the agreement text the member saw (`textVersion`), where ' +
          'it happened (`source`: till, web, import, api, console) and, if you have it, `evidence` (IP address, user ' +
          'agent). Every call is kept in the history (152-FZ: provable consent); evidence is wiped on erase.',
        params: MemberIdParams,
        body: ConsentInputSchema,
        response: { 201: ConsentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const consent = await changeConsent(
        deps.db,
        writeContextOf(request, p, deps),
        request.params.memberId,
        request.body,
        consentSourceOf(p),
        idempotencyKeyOf(request, false),
      );
      return reply.status(201).send(consent);
    },
  );

  app.get(
    '/members/:memberId/consents/history',
    {
      schema: {
        tags: ['consents'],
        summary: "Every grant and withdrawal of a member's consents, newest first",
        params: MemberIdParams,
        querystring: ListQuery,
        response: { 200: Page(ConsentEventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      const member = await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      const limit = request.query.limit ?? 50;
      const page = await listConsentHistory(deps.db, p.tenantId, member.memberId, {
        limit,
        beforeId: decodeCursor(request.query.cursor, isEventCursor),
      });
      const last = page.items[page.items.length - 1];
      return {
        items: page.items,
        nextCursor: page.more && last ? encodeCursor(Number(last.consentEventId)) : null,
      };
    },
  );
};
