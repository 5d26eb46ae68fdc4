import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../platform/db';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, Id, IsoDateTime } from '../../platform/schemas';
import { getMemberOrThrow } from '../members/members.service';
import { listMemberEvents, listRules, recordMemberEvent, replaceRules } from './events-rewards.service';

const RuleSchema = Type.Object({
  eventType: Type.String({
    description:
      'welcome | birthday | review | survey | profile_completed | app_install | your own ("custom.quiz")',
  }),
  name: Type.Optional(Type.String({ maxLength: 200, description: 'Shown in the member history' })),
  points: Type.Optional(Type.Integer({ minimum: 0, description: 'Points to give' })),
  couponSeriesId: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: 'A personal coupon series to issue a coupon from',
    }),
  ),
  couponValidity: Type.Optional(
    Type.String({
      description: 'series (the series rule) | end_of_month (until the end of the month of the event)',
    }),
  ),
  maxPerMember: Type.Optional(
    Type.Union([Type.Integer(), Type.Null()], {
      description:
        'Rewards per member and period (welcome: 1 ever, birthday: 1 a year by default; null = no cap)',
    }),
  ),
  period: Type.Optional(Type.String({ description: 'day | week | month | year | ever' })),
  active: Type.Optional(Type.Boolean()),
});
const RuleView = Type.Object({
  ruleId: Type.String(),
  eventType: Type.String(),
  name: Type.String(),
  points: Type.Integer(),
  couponSeriesId: Type.Union([Type.String(), Type.Null()]),
  couponValidity: Type.String(),
  maxPerMember: Type.Union([Type.Integer(), Type.Null()]),
  period: Type.String(),
  active: Type.Boolean(),
});
const Rules = Type.Object({ rules: Type.Array(RuleView) });
const EventView = Type.Object({
  eventId: Type.String(),
  memberId: Type.String(),
  type: Type.String(),
  occurredAt: Type.String(),
  outcome: Type.String({
    description: 'rewarded | capped (the rule allows no more for this period) | no_rule',
  }),
  points: Type.Integer(),
  couponCode: Type.Union([Type.String(), Type.Null()]),
  ruleId: Type.Union([Type.String(), Type.Null()]),
});
const MemberParams = Type.Object({ memberId: Id() });

export const eventRewardRoutes: RoutePlugin = (deps) => async (app) => {
  app.get(
    '/event-rewards',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Rewards for events outside receipts (welcome, birthday, review, custom…)',
        response: { 200: Rules, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:read');
      return { rules: await listRules(deps.db, p.tenantId) };
    },
  );

  app.put(
    '/event-rewards',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Replace the event reward rules (one per event type)',
        description:
          'Welcome rewards are given by the scheduled jobs to members who joined in the last 7 days; birthday rewards on the birthday in the program time zone. Other events come with POST /v1/members/{memberId}/events.',
        body: Type.Object({ rules: Type.Array(RuleSchema, { maxItems: 100 }) }),
        response: { 200: Rules, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:write');
      return {
        rules: await inTransaction(deps.db, (trx) =>
          replaceRules(trx, p, request.body.rules, { now: deps.now(), requestId: request.id }),
        ),
      };
    },
  );

  app.post(
    '/members/:memberId/events',
    {
      schema: {
        tags: ['members'],
        summary: "Record a member's event (review, survey, app install, custom) and give its reward",
        description:
          'Idempotent by eventId (or the Idempotency-Key header): the same event again returns the first answer (200) and rewards nothing. The rule for the event type decides the points and coupon and caps them per member and period; without a rule the event is recorded only.',
        params: MemberParams,
        body: Type.Object({
          type: Type.String({ minLength: 1, maxLength: 64, examples: ['review'] }),
          eventId: Type.Optional(Id('Your id for the event; a retry with the same id rewards nothing twice')),
          occurredAt: Type.Optional(IsoDateTime()),
          attributes: Type.Optional(
            Type.Record(Type.String(), Type.Unknown(), {
              description: 'Anything worth keeping (review id, survey score…)',
            }),
          ),
        }),
        response: {
          200: Type.Object({
            event: EventView,
            balance: Type.Object({ available: Type.Integer(), pending: Type.Integer() }),
          }),
          201: Type.Object({
            event: EventView,
            balance: Type.Object({ available: Type.Integer(), pending: Type.Integer() }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'members:write');
      const header = request.headers['idempotency-key'];
      const key = request.body.eventId ?? (typeof header === 'string' && header !== '' ? header : undefined);
      const now = deps.now();
      const result = await inTransaction(deps.db, async (trx) => {
        await getMemberOrThrow(trx, p.tenantId, request.params.memberId);
        return recordMemberEvent(trx, {
          tenantId: p.tenantId,
          memberId: request.params.memberId,
          type: request.body.type,
          dedupeKey: key ?? `evt:${now.getTime()}:${Math.random().toString(36).slice(2)}`,
          occurredAt: request.body.occurredAt ? new Date(request.body.occurredAt) : now,
          attributes: request.body.attributes ?? {},
          now,
        });
      });
      return reply.status(result.replayed ? 200 : 201).send({ event: result.event, balance: result.balance });
    },
  );

  app.get(
    '/members/:memberId/events',
    {
      schema: {
        tags: ['members'],
        summary: "A member's events and their rewards, newest first",
        params: MemberParams,
        response: {
          200: Type.Object({ items: Type.Array(EventView), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      return {
        items: await listMemberEvents(deps.db, p.tenantId, request.params.memberId, 500),
        nextCursor: null,
      };
    },
  );
};
