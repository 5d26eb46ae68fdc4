import { addLocalDays } from '@kopilka/domain/time';
import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../platform/db';
import { runIdempotent } from '../../platform/idempotency';
import { idempotencyKeyOf, principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, Id, IsoDateTime, ListQuery } from '../../platform/schemas';
import { actorOf, recordAudit } from '../audit/audit.service';
import { getMemberOrThrow, mergedConflict } from '../members/members.service';
import { getCurrentProgram } from '../program/program.service';
import { findMemberTierView } from '../tiers/tiers.service';
import { adjustPoints, getBalance, listHistory } from './ledger.service';
import { verifyLedger } from './ledger-verify.service';
import { POINTS } from './wallet.service';

const MemberParams = Type.Object({ memberId: Id() });

const BalanceSchema = Type.Object({
  points: Type.Object({
    available: Type.Integer({ description: 'Spendable now (negative only under the debt refund policy)' }),
    pending: Type.Integer({ description: 'Earned, not yet spendable (return window)' }),
    expiring: Type.Array(Type.Object({ points: Type.Integer(), expiresAt: Type.String() }), {
      description: 'What expires when, soonest first',
    }),
  }),
  tier: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  householdId: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description:
        "Set when the member belongs to a household: `points` is then the household's shared wallet (the tier stays the member's own)",
    }),
  ),
});

const HistoryEntry = Type.Object({
  entryId: Type.String(),
  at: Type.String(),
  kind: Type.String({
    description:
      'accrue | spend | refund_return | refund_revoke | activate | expire | adjust | household_out | household_in | merge_out | merge_in',
  }),
  points: Type.Integer({ description: "Signed change of the member's points in `bucket`" }),
  balanceAfter: Type.Integer({ description: 'Available balance after this entry' }),
  pendingAfter: Type.Integer(),
  bucket: Type.String(),
  receiptId: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
});

export const ledgerRoutes: RoutePlugin = (deps) => async (app) => {
  app.get(
    '/members/:memberId/balance',
    {
      schema: {
        tags: ['ledger'],
        summary: "A member's points: available, pending and what expires when",
        description:
          "For a household member the points are the household's pooled wallet (marked by `householdId`); for a merged " +
          "duplicate, the survivor's.",
        params: MemberParams,
        response: { 200: BalanceSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'ledger:read');
      const now = deps.now();
      const member = await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      const [points, tier] = await Promise.all([
        getBalance(deps.db, p.tenantId, request.params.memberId, now),
        findMemberTierView(deps.db, p.tenantId, request.params.memberId, now),
      ]);
      return { points, tier, householdId: member.householdId };
    },
  );

  app.get(
    '/members/:memberId/history',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Points history, newest first (by posting order)',
        description:
          "A household member's history also shows the shared wallet's entries (everyone's purchases); `household_out` / " +
          '`household_in` and `merge_out` / `merge_in` are points moving into a household wallet or from a merged duplicate.',
        params: MemberParams,
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(HistoryEntry),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'ledger:read');
      await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      return listHistory(deps.db, p.tenantId, request.params.memberId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      });
    },
  );

  app.post(
    '/members/:memberId/adjustments',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Manual points adjustment by staff or an integration (Idempotency-Key required)',
        description:
          'A positive adjustment creates points that expire by the program rules (or at expiresAt); a negative one takes points like a spend and fails with 422 insufficient_points beyond the available balance.',
        params: MemberParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: Type.Object({
          points: Type.Integer({
            not: { const: 0 },
            minimum: -1_000_000_000,
            maximum: 1_000_000_000,
            description: 'Non-zero; negative takes points away',
          }),
          reason: Type.String({ minLength: 1, maxLength: 500 }),
          expiresAt: Type.Optional(Type.Union([IsoDateTime(), Type.Null()])),
        }),
        response: { 201: Type.Object({ balance: BalanceSchema.properties.points }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'ledger:write');
      const key = idempotencyKeyOf(request, true)!;
      const { memberId } = request.params;
      const body = request.body;
      const now = deps.now();
      const member = await getMemberOrThrow(deps.db, p.tenantId, memberId);
      if (member.status === 'merged') throw mergedConflict(memberId, member.mergedInto);
      const result = await inTransaction(deps.db, (trx) =>
        runIdempotent(
          trx,
          { tenantId: p.tenantId, scope: `adjustment:${memberId}`, key, request: body },
          async (operationId) => {
            let expiresAt: Date | null = null;
            if (body.expiresAt !== undefined) {
              expiresAt = body.expiresAt === null ? null : new Date(body.expiresAt);
            } else if (body.points > 0) {
              const { program } = await getCurrentProgram(trx, p.tenantId);
              expiresAt =
                program.earn.expiryDays === null
                  ? null
                  : addLocalDays(now, program.earn.expiryDays, program.timezone);
            }
            const balance = await adjustPoints(
              trx,
              { tenantId: p.tenantId, memberId, currency: POINTS },
              { points: body.points, reason: body.reason, expiresAt },
              { operationId, now },
            );
            await recordAudit(trx, {
              tenantId: p.tenantId,
              actor: actorOf(p),
              action: 'points.adjusted',
              targetType: 'member',
              targetId: memberId,
              details: { points: body.points, reason: body.reason, idempotencyKey: key },
              requestId: request.id,
            });
            return { status: 201, body: { balance } };
          },
        ),
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(result.status).send(result.body);
    },
  );

  app.get(
    '/admin/ledger/verify',
    {
      schema: {
        tags: ['admin'],
        summary: 'Prove the ledger invariants; ok=false lists every problem',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            problems: Type.Array(Type.Unknown()),
            checked: Type.Unknown(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'admin');
      return verifyLedger(deps.db, {
        tenantId: p.tenantId,
        policyOf: async (t) => (await getCurrentProgram(deps.db, t)).program.refund.policy,
      });
    },
  );
};
