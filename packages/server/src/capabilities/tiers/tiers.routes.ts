import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../platform/db';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, ListQuery } from '../../platform/schemas';
import { getMemberOrThrow } from '../members/members.service';
import {
  BenefitsSchema,
  LadderSchema,
  MemberParams,
  MemberTierSchema,
  OverrideBody,
  TierHistoryItem,
} from './tiers.schemas';
import {
  getLadderView,
  getMemberBenefits,
  getMemberTierProgress,
  listTierHistory,
  removeTierOverride,
  replaceLadder,
  setTierOverride,
} from './tiers.service';

export const tiersRoutes: RoutePlugin = (deps) => async (app) => {
  app.get(
    '/tiers',
    {
      schema: {
        tags: ['tiers'],
        summary: 'The tier ladder: qualifying window, thresholds and benefits per tier',
        response: { 200: LadderSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'tiers:read');
      return getLadderView(deps.db, p.tenantId);
    },
  );

  app.put(
    '/tiers',
    {
      schema: {
        tags: ['tiers'],
        summary: 'Replace the tier ladder; 200 with the ladder',
        description:
          "A member's tier is the highest whose threshold the metric reaches (default: money paid net of refunds in the last windowDays). " +
          'Codes are unique, the first (entry) tier starts at 0 and thresholds strictly increase. Decimals are strings. ' +
          'Members move at their next receipt (up) or the next re-evaluation (`jobs run`), which goes over everyone after a ladder change.',
        body: LadderSchema,
        response: { 200: LadderSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'tiers:write');
      return inTransaction(deps.db, (trx) =>
        replaceLadder(trx, p, request.body, { now: deps.now(), requestId: request.id }),
      );
    },
  );

  app.get(
    '/members/:memberId/tier',
    {
      schema: {
        tags: ['tiers'],
        summary:
          "A member's tier and progress: metric so far, what is left to the next tier and to keep this one, window dates",
        params: MemberParams,
        response: { 200: MemberTierSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'tiers:read');
      await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      return getMemberTierProgress(deps.db, p.tenantId, request.params.memberId, deps.now());
    },
  );

  app.put(
    '/members/:memberId/tier/override',
    {
      schema: {
        tags: ['tiers'],
        summary: "Set a member's tier by hand until a date, with a reason (audited)",
        description:
          'Re-evaluation leaves the member at this tier until `until`; a higher tier the member earns still lifts them. ' +
          'After `until` the next re-evaluation applies the metric again. 422 when the ladder has no such tier.',
        params: MemberParams,
        body: OverrideBody,
        response: { 200: MemberTierSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'tiers:write');
      const { memberId } = request.params;
      const now = deps.now();
      await getMemberOrThrow(deps.db, p.tenantId, memberId);
      await inTransaction(deps.db, (trx) =>
        setTierOverride(trx, p, memberId, request.body, { now, requestId: request.id }),
      );
      return getMemberTierProgress(deps.db, p.tenantId, memberId, now);
    },
  );

  app.delete(
    '/members/:memberId/tier/override',
    {
      schema: {
        tags: ['tiers'],
        summary: 'End an override now: the member gets the tier the metric reaches (audited)',
        params: MemberParams,
        response: { 200: MemberTierSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'tiers:write');
      const { memberId } = request.params;
      const now = deps.now();
      await getMemberOrThrow(deps.db, p.tenantId, memberId);
      await inTransaction(deps.db, (trx) =>
        removeTierOverride(trx, p, memberId, { now, requestId: request.id }),
      );
      return getMemberTierProgress(deps.db, p.tenantId, memberId, now);
    },
  );

  app.get(
    '/members/:memberId/tier/history',
    {
      schema: {
        tags: ['tiers'],
        summary: "A member's tier changes, newest first (upgrades, downgrades, overrides, grace)",
        params: MemberParams,
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(TierHistoryItem),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'tiers:read');
      await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      return listTierHistory(deps.db, p.tenantId, request.params.memberId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      });
    },
  );

  app.get(
    '/members/:memberId/benefits',
    {
      schema: {
        tags: ['tiers'],
        summary:
          'What a member gets now from their tier and paid membership: discount, multiplier, perks (free delivery…)',
        description:
          'combined is what receipts apply: the largest discount, the multipliers multiplied, every perk of either.',
        params: MemberParams,
        response: { 200: BenefitsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'tiers:read');
      await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      return getMemberBenefits(deps.db, p.tenantId, request.params.memberId, deps.now());
    },
  );
};
