import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../platform/db';
import { idempotencyKeyOf, principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses } from '../../platform/schemas';
import { createPlan, getPlan, listPlans, patchPlan } from './membership-plans.service';
import {
  CancelBody,
  CreatePlanBody,
  MemberParams,
  MembershipParams,
  MembershipSchema,
  PatchPlanBody,
  PlanParams,
  PlanSchema,
  RenewalBody,
  SubscribeBody,
} from './memberships.schemas';
import { cancel, getMembership, listMemberships, renew, subscribe } from './memberships.service';

const IdempotencyHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

export const membershipsRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/membership-plans',
    {
      schema: {
        tags: ['memberships'],
        summary:
          'Create a paid-membership plan (monthly, annual or lifetime; price, trial, benefits, dividend)',
        body: CreatePlanBody,
        response: { 201: PlanSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'program:write');
      const plan = await inTransaction(deps.db, (trx) =>
        createPlan(trx, p, request.body, { now: deps.now(), requestId: request.id }),
      );
      return reply.status(201).send(plan);
    },
  );

  app.get(
    '/membership-plans',
    {
      schema: {
        tags: ['memberships'],
        summary: 'Paid-membership plans, oldest first',
        response: {
          200: Type.Object({ items: Type.Array(PlanSchema), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'memberships:read');
      return { items: await listPlans(deps.db, p.tenantId), nextCursor: null };
    },
  );

  app.get(
    '/membership-plans/:planId',
    {
      schema: {
        tags: ['memberships'],
        summary: 'One plan (by planId or code)',
        params: PlanParams,
        response: { 200: PlanSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'memberships:read');
      return getPlan(deps.db, p.tenantId, request.params.planId);
    },
  );

  app.patch(
    '/membership-plans/:planId',
    {
      schema: {
        tags: ['memberships'],
        summary: 'Change a plan: name, price (from the next renewal), benefits (at once), archive it',
        params: PlanParams,
        body: PatchPlanBody,
        response: { 200: PlanSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'program:write');
      return inTransaction(deps.db, (trx) =>
        patchPlan(trx, p, request.params.planId, request.body, { now: deps.now(), requestId: request.id }),
      );
    },
  );

  app.post(
    '/members/:memberId/memberships',
    {
      schema: {
        tags: ['memberships'],
        summary:
          'Subscribe a member to a plan once the shop or till has taken the payment (or start its free trial)',
        description:
          'Records the payment reference; Kopilka does not process cards. Idempotent by Idempotency-Key, else by paymentReference. ' +
          '409 membership_exists when the member already has a live membership (renew it instead).',
        params: MemberParams,
        headers: IdempotencyHeader,
        body: SubscribeBody,
        response: { 201: MembershipSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'memberships:write');
      const idempotencyKey = idempotencyKeyOf(request, false);
      const r = await inTransaction(deps.db, (trx) =>
        subscribe(trx, p, request.params.memberId, request.body, {
          now: deps.now(),
          requestId: request.id,
          idempotencyKey,
        }),
      );
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(r.status).send(r.body);
    },
  );

  app.get(
    '/members/:memberId/memberships',
    {
      schema: {
        tags: ['memberships'],
        summary: "A member's memberships with their payments, newest first",
        params: MemberParams,
        response: {
          200: Type.Object({ items: Type.Array(MembershipSchema), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'memberships:read');
      return {
        items: await listMemberships(deps.db, p.tenantId, request.params.memberId, deps.now()),
        nextCursor: null,
      };
    },
  );

  app.get(
    '/members/:memberId/memberships/:membershipId',
    {
      schema: {
        tags: ['memberships'],
        summary: 'One membership with its payments',
        params: MembershipParams,
        response: { 200: MembershipSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'memberships:read');
      return getMembership(
        deps.db,
        p.tenantId,
        request.params.memberId,
        request.params.membershipId,
        deps.now(),
      );
    },
  );

  app.post(
    '/members/:memberId/memberships/:membershipId/renewals',
    {
      schema: {
        tags: ['memberships'],
        summary:
          'Record a renewal payment: the next period starts at the end of the current one (or now, after a lapse)',
        description:
          'Benefits return at once after a lapse. With a dividend plan, the dividend points are credited here. Idempotent by Idempotency-Key, else by paymentReference.',
        params: MembershipParams,
        headers: IdempotencyHeader,
        body: RenewalBody,
        response: { 201: MembershipSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'memberships:write');
      const idempotencyKey = idempotencyKeyOf(request, false);
      const { memberId, membershipId } = request.params;
      const r = await inTransaction(deps.db, (trx) =>
        renew(trx, p, memberId, membershipId, request.body, {
          now: deps.now(),
          requestId: request.id,
          idempotencyKey,
        }),
      );
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(r.status).send(r.body);
    },
  );

  app.post(
    '/members/:memberId/memberships/:membershipId/cancel',
    {
      schema: {
        tags: ['memberships'],
        summary: 'Cancel a membership at the end of the paid period (default) or now',
        params: MembershipParams,
        body: Type.Optional(CancelBody),
        response: { 200: MembershipSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'memberships:write');
      const { memberId, membershipId } = request.params;
      return inTransaction(deps.db, (trx) =>
        cancel(trx, p, memberId, membershipId, request.body ?? {}, {
          now: deps.now(),
          requestId: request.id,
        }),
      );
    },
  );
};
