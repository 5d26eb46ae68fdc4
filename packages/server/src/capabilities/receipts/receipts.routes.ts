import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../platform/db';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, Id } from '../../platform/schemas';
import { releaseReceiptHolds } from '../ledger/ledger.service';
import { checkOtpBeforeTransaction } from '../verifications/otp-precheck.service';
import { calculateReceiptPreview } from './calculate-receipt.service';
import { confirmReceipt } from './confirm-receipt.service';
import { ReceiptBody, ReceiptListQuery, ReceiptView, RefundBody, RefundResult } from './receipts.schemas';
import { getReceiptOrThrow, listReceipts } from './receipts-query.service';
import { refundReceipt } from './refund-receipt.service';

const ReceiptParams = Type.Object({ receiptId: Id() });

export const receiptsRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/receipts/calculate',
    {
      schema: {
        tags: ['receipts'],
        summary: 'Price a receipt: discounts, points that may pay, points to earn. Writes nothing.',
        description:
          'pointsToSpend is applied up to what the program allows; totals.maxPointsToSpend reports the cap. Line figures add up exactly to the totals.',
        body: ReceiptBody,
        response: { 200: ReceiptView, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'receipts:write');
      return calculateReceiptPreview(deps.db, p.tenantId, request.body, deps.now());
    },
  );

  app.post(
    '/receipts/confirm',
    {
      schema: {
        tags: ['receipts'],
        summary: 'Confirm a sale: post exactly the requested points spend and the earned points',
        description:
          'Idempotent by receiptId: the same body again returns the stored response (also after later refunds); a different body with the same receiptId is 409 idempotency_key_reused. 422 insufficient_points / points_limit_exceeded when the spend is not possible; nothing is stored then, so the till may fix it and retry with the same receiptId.',
        body: ReceiptBody,
        response: { 200: ReceiptView, 201: ReceiptView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'receipts:write');
      const now = deps.now();
      // A wrong one-time code must count even when this confirm fails and its transaction rolls back.
      await checkOtpBeforeTransaction(deps.db, p.tenantId, request.body.member, now);
      const result = await inTransaction(deps.db, (trx) =>
        confirmReceipt(trx, p.tenantId, request.body, now),
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(result.status).send(result.body);
    },
  );

  app.delete(
    '/receipts/:receiptId/hold',
    {
      schema: {
        tags: ['receipts'],
        summary: 'Release the points reserved by calculate with reservePoints (the sale was abandoned)',
        params: ReceiptParams,
        response: { 200: Type.Object({ released: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'receipts:write');
      return { released: await releaseReceiptHolds(deps.db, p.tenantId, request.params.receiptId) };
    },
  );

  app.get(
    '/receipts/:receiptId',
    {
      schema: {
        tags: ['receipts'],
        summary: 'A confirmed receipt with its lines, status and refunds',
        params: ReceiptParams,
        response: { 200: ReceiptView, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'receipts:read');
      return getReceiptOrThrow(deps.db, p.tenantId, request.params.receiptId);
    },
  );

  app.get(
    '/receipts',
    {
      schema: {
        tags: ['receipts'],
        summary: 'Receipts, newest first; filter by member, store and time',
        querystring: ReceiptListQuery,
      },
    },
    async (request) => {
      const p = principalOf(request, 'receipts:read');
      return listReceipts(deps.db, p.tenantId, { ...request.query, limit: request.query.limit ?? 50 });
    },
  );

  app.post(
    '/receipts/:receiptId/refund',
    {
      schema: {
        tags: ['receipts'],
        summary:
          'Refund lines (or everything not yet refunded): points that paid go back to their lots, earned points are revoked',
        description:
          'Idempotent by refundId. Per line, proportional to the refunded quantity; all refunds of a line add up exactly to its figures.',
        params: ReceiptParams,
        body: RefundBody,
        response: { 200: RefundResult, 201: RefundResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'receipts:write');
      const r = await inTransaction(deps.db, (trx) =>
        refundReceipt(
          trx,
          p.tenantId,
          {
            kind: 'refund',
            receiptId: request.params.receiptId,
            refundId: request.body.refundId,
            lines: request.body.lines,
          },
          deps.now(),
        ),
      );
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(r.status).send(r.body);
    },
  );

  app.post(
    '/receipts/:receiptId/cancel',
    {
      schema: {
        tags: ['receipts'],
        summary: 'Cancel a confirmed receipt: full reversal of what is not yet refunded; idempotent',
        params: ReceiptParams,
        response: { 200: RefundResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'receipts:write');
      const r = await inTransaction(deps.db, (trx) =>
        refundReceipt(
          trx,
          p.tenantId,
          {
            kind: 'cancel',
            receiptId: request.params.receiptId,
            refundId: `cancel:${request.params.receiptId}`,
          },
          deps.now(),
        ),
      );
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(r.status).send(r.body);
    },
  );
};
