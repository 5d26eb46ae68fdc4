import { Readable } from 'node:stream';
import { normalizeCouponCode } from '@kopilka/domain/receipts';
import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { hasScope } from '../../platform/principal';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, ListQuery } from '../../platform/schemas';
import { getMemberOrThrow } from '../members/members.service';
import {
  createSeries,
  decodeCodesCursor,
  encodeCodesCursor,
  generateSeriesCodes,
  getSeriesOrThrow,
  getSeriesView,
  listSeries,
  listSeriesCodes,
  type SeriesInput,
  SYNC_GENERATION_LIMIT,
  streamSeriesCsv,
} from './coupon-series.service';
import {
  CodeParams,
  CodesQuery,
  CouponCheckQuery,
  CouponCheckView,
  CouponView,
  IssueBody,
  MemberParams,
  SeriesBody,
  SeriesParams,
  SeriesView,
} from './coupons.schemas';
import { checkReceiptCoupons, findCouponsByCode, issuePersonalCoupon } from './coupons.service';
import type { CouponRow } from './coupons.table';

function couponView(c: CouponRow) {
  return {
    code: c.code,
    seriesId: c.series_id,
    memberId: c.member_id,
    status: c.status,
    uses: c.uses,
    maxUses: c.max_uses,
    startsAt: c.starts_at?.toISOString() ?? null,
    endsAt: c.ends_at?.toISOString() ?? null,
  };
}

export const couponRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/coupon-series',
    {
      schema: {
        tags: ['coupons'],
        summary: 'Create a coupon series: generated unique codes, a shared promo code, or personal coupons',
        description: `Unique series of up to ${SYNC_GENERATION_LIMIT} codes are generated before the answer (201); larger ones (up to 1,000,000) in the background: 202 with status "generating", then watch generatedCount and progress on GET. Codes are drawn from a CSPRNG and never collide with any other code of the program. Link a series to a campaign with conditions.couponSeriesId (unlock) or effect issue_coupon (personal series).`,
        body: SeriesBody,
        response: { 201: SeriesView, 202: SeriesView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'campaigns:write');
      const row = await inTransaction(deps.db, (trx) =>
        createSeries(trx, p, request.body as SeriesInput, { now: deps.now(), requestId: request.id }),
      );
      if (row.kind === 'unique') {
        if (row.requested_count <= SYNC_GENERATION_LIMIT) {
          await generateSeriesCodes(deps.db, p.tenantId, row.id, { now: deps.now });
        } else {
          void generateSeriesCodes(deps.db, p.tenantId, row.id, {
            now: deps.now,
            onProgress: (generated, requested) =>
              request.log.info({ seriesId: row.id, generated, requested }, 'coupon codes generated'),
          }).catch((err: unknown) =>
            request.log.error({ err, seriesId: row.id }, 'coupon generation failed'),
          );
          return reply.status(202).send(await getSeriesView(deps.db, p.tenantId, row.id));
        }
      }
      return reply.status(201).send(await getSeriesView(deps.db, p.tenantId, row.id));
    },
  );

  app.get(
    '/coupon-series',
    {
      schema: {
        tags: ['coupons'],
        summary: 'Coupon series, newest first',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(SeriesView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:read');
      return listSeries(deps.db, p.tenantId, { ...request.query, limit: request.query.limit ?? 50 });
    },
  );

  app.get(
    '/coupon-series/:seriesId',
    {
      schema: {
        tags: ['coupons'],
        summary: 'A coupon series with its generation progress and redemptions',
        params: SeriesParams,
        response: { 200: SeriesView, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'campaigns:read');
      return getSeriesView(deps.db, p.tenantId, request.params.seriesId);
    },
  );

  app.get(
    '/coupon-series/:seriesId/codes',
    {
      schema: {
        tags: ['coupons'],
        summary: 'Download the codes of a series (CSV, streamed) or page through them (JSON)',
        description:
          'format=csv (default): text/csv attachment with code,status,uses,maxUses,memberId,startsAt,endsAt for every code. format=json: { items, nextCursor } pages of coupons in code order.',
        params: SeriesParams,
        querystring: CodesQuery,
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'campaigns:read');
      const series = await getSeriesOrThrow(deps.db, p.tenantId, request.params.seriesId);
      if ((request.query.format ?? 'csv') === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${series.id}.csv"`)
          .send(Readable.from(streamSeriesCsv(deps.db, p.tenantId, series.id)));
      }
      const limit = request.query.limit ?? 50;
      const rows = await listSeriesCodes(deps.db, p.tenantId, series.id, {
        after: decodeCodesCursor(request.query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(couponView),
        nextCursor: rows.length > limit && last ? encodeCodesCursor(last.code) : null,
      };
    },
  );

  app.post(
    '/coupon-series/:seriesId/coupons',
    {
      schema: {
        tags: ['coupons'],
        summary: 'Issue a personal coupon of a personal series to a member',
        params: SeriesParams,
        body: IssueBody,
        response: { 201: CouponView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'campaigns:write');
      const coupon = await inTransaction(deps.db, async (trx) => {
        const series = await getSeriesOrThrow(trx, p.tenantId, request.params.seriesId);
        if (series.kind !== 'personal')
          throw new AppError(
            'unprocessable',
            `Series ${series.id} is ${series.kind}; personal coupons are issued from personal series.`,
          );
        await getMemberOrThrow(trx, p.tenantId, request.body.memberId);
        return issuePersonalCoupon(trx, {
          tenantId: p.tenantId,
          series,
          memberId: request.body.memberId,
          receiptId: null,
          now: deps.now(),
        });
      });
      return reply.status(201).send(couponView(coupon));
    },
  );

  app.get(
    '/coupons/:code',
    {
      schema: {
        tags: ['coupons'],
        summary: 'Check a coupon code: may it be used now (by this member)?',
        description:
          'For tills and web shops before they send the code with a receipt. Codes are case-insensitive. A code that is not a managed coupon is 404 (a plain promo text of a v1 campaign is checked only by the receipt calculation).',
        params: CodeParams,
        querystring: CouponCheckQuery,
        response: { 200: CouponCheckView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (!principal || !(hasScope(principal, 'campaigns:read') || hasScope(principal, 'receipts:write')))
        principalOf(request, 'campaigns:read');
      const tenantId = principal!.tenantId;
      const code = normalizeCouponCode(request.params.code);
      const found = (await findCouponsByCode(deps.db, tenantId, [code])).get(code);
      if (!found) throw notFound('Coupon', code);
      const at = request.query.at ? new Date(request.query.at) : deps.now();
      const check = (
        await checkReceiptCoupons(deps.db, tenantId, [code], request.query.memberId ?? null, at)
      ).get(code);
      return {
        ...couponView(found.coupon),
        startsAt: (found.coupon.starts_at ?? found.series.starts_at)?.toISOString() ?? null,
        endsAt: (found.coupon.ends_at ?? found.series.ends_at)?.toISOString() ?? null,
        seriesName: found.series.name,
        valid: check?.ok ?? false,
        reason: check && !check.ok ? check.reason : null,
        message: check && !check.ok ? check.message : null,
      };
    },
  );

  app.get(
    '/members/:memberId/coupons',
    {
      schema: {
        tags: ['coupons'],
        summary: "A member's personal coupons, newest first",
        params: MemberParams,
        response: {
          200: Type.Object({ items: Type.Array(CouponView), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request, 'members:read');
      await getMemberOrThrow(deps.db, p.tenantId, request.params.memberId);
      const rows = await deps.db
        .selectFrom('coupon')
        .selectAll()
        .where('tenant_id', '=', p.tenantId)
        .where('member_id', '=', request.params.memberId)
        .orderBy('created_at', 'desc')
        .limit(500)
        .execute();
      return { items: rows.map(couponView), nextCursor: null };
    },
  );
};
