import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/app-deps';
import { AppError, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, Id, IsoDateTime, ListQuery, Page } from '../../platform/schemas';
import { changeConsent } from '../consents/consent-actions.service';
import { listConsents } from '../consents/consents.service';
import { getBalance, listHistory } from '../ledger/ledger.service';
import { eraseMember, exportMemberData } from '../members/data-requests.service';
import { ConsentChannelSchema, ConsentPurposeSchema, ConsentSchema } from '../members/members.schemas';
import {
  getMemberDetails,
  getMemberOrThrow,
  updateMember,
  type WriteContext,
} from '../members/members.service';
import { issueQrToken } from '../members/qr-token.service';
import { getCurrentProgram } from '../program/program.service';
import { ReceiptView } from '../receipts/receipts.schemas';
import { getReceiptOrThrow, listReceipts } from '../receipts/receipts-query.service';
import { MemberTierSchema } from '../tiers/tiers.schemas';
import { findMemberTierView, getMemberTierProgress } from '../tiers/tiers.service';
import { createLogEmailSender, type EmailSender } from '../verifications/email-sender';
import { createLogSmsSender, type SmsSender } from '../verifications/sms-sender';
import {
  type CabinetMember,
  completeCabinetLogin,
  endAllCabinetSessions,
  endCabinetSession,
  MEMBER_SESSION_COOKIE,
  MEMBER_SESSION_TTL_MS,
  memberActor,
  requireCabinetMember,
  startCabinetLogin,
} from './cabinet.service';
import { listCabinetOffers } from './cabinet-offers.service';

// The member cabinet's API. Every route is public as far as staff credentials go and checks the
// member's own session cookie instead (set by /cabinet/verify, scoped to /v1/cabinet).

const COOKIE_PATH = '/v1/cabinet';
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const TenantField = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'Program slug; only needed when several programs run here',
  }),
);
const PhoneField = Type.String({ minLength: 3, maxLength: 40, description: 'Any common format' });
const EmailField = Type.String({ minLength: 3, maxLength: 254, description: 'Case does not matter' });
const OfferEffect = Type.Object({ type: Type.String() }, { additionalProperties: true });
const OffersSchema = Type.Object({
  campaigns: Type.Array(
    Type.Object({
      campaignId: Type.String(),
      name: Type.String(),
      startsAt: Nullable(Type.String()),
      endsAt: Nullable(Type.String()),
      conditions: Type.Object({}, { additionalProperties: true }),
      effect: OfferEffect,
    }),
  ),
  coupons: Type.Array(
    Type.Object({
      code: Type.String(),
      seriesName: Type.String(),
      uses: Type.Integer(),
      maxUses: Type.Union([Type.Integer(), Type.Null()]),
      startsAt: Nullable(Type.String()),
      endsAt: Nullable(Type.String()),
      valid: Type.Boolean(),
      reason: Nullable(Type.String()),
      campaigns: Type.Array(
        Type.Object({ campaignId: Type.String(), name: Type.String(), effect: OfferEffect }),
      ),
    }),
  ),
});

const ProfileSchema = Type.Object({
  memberId: Type.String(),
  cardNumber: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  birthDate: Nullable(Type.String()),
  status: Type.String(),
  createdAt: IsoDateTime(),
  program: Type.Object({ name: Type.String(), currency: Type.String(), pointValueMinor: Type.Integer() }),
});

const BalanceSchema = Type.Object({
  points: Type.Object({
    available: Type.Integer(),
    pending: Type.Integer(),
    expiring: Type.Array(Type.Object({ points: Type.Integer(), expiresAt: Type.String() })),
  }),
  tier: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  householdId: Type.Optional(
    Nullable(Type.String({ description: "Set when `points` is the household's shared wallet" })),
  ),
});

const cabinetSchema = { tags: ['cabinet'] };

export function createCabinetRoutes(
  senderFor: (deps: AppDeps, log: Logger) => SmsSender = (_deps, log) => createLogSmsSender(log),
  emailSenderFor: (deps: AppDeps, log: Logger) => EmailSender = (_deps, log) => createLogEmailSender(log),
): RoutePlugin {
  return (deps) => async (app) => {
    // The app's own logger (a child of deps.logger), like the verification routes: dev codes land in the server log.
    const sender = senderFor(deps, app.log as Logger);
    const emailSender = emailSenderFor(deps, app.log as Logger);
    const signedIn = (request: FastifyRequest) =>
      requireCabinetMember(deps.db, request.cookies[MEMBER_SESSION_COOKIE], deps.now());
    const writeContext = (request: FastifyRequest, m: CabinetMember): WriteContext => ({
      tenantId: m.tenantId,
      actor: memberActor(m.memberId),
      requestId: request.id,
      now: deps.now(),
    });
    const clearCookie = (reply: FastifyReply) =>
      reply.clearCookie(MEMBER_SESSION_COOKIE, { path: COOKIE_PATH });

    async function profileOf(m: CabinetMember) {
      const [member, { program }] = await Promise.all([
        getMemberDetails(deps.db, m.tenantId, m.memberId),
        getCurrentProgram(deps.db, m.tenantId),
      ]);
      return {
        memberId: member.memberId,
        cardNumber: member.cardNumber,
        phone: member.phone,
        email: member.email,
        firstName: member.firstName,
        lastName: member.lastName,
        birthDate: member.birthDate,
        status: member.status,
        createdAt: member.createdAt,
        program: { name: program.name, currency: program.currency, pointValueMinor: program.pointValueMinor },
      };
    }

    app.post(
      '/cabinet/login',
      {
        config: { public: true },
        schema: {
          tags: ['cabinet'],
          summary: 'Member sign-in, step 1: send a one-time code to the phone or email',
          description:
            'Send `phone` or `email`. The answer is the same whether or not it belongs to a member. The code goes ' +
            'through the configured SMS or email sender (in development: the server log); it is valid for 5 minutes. ' +
            'One code per phone or email per 30 seconds (429 `rate_limited`).',
          body: Type.Object({
            phone: Type.Optional(PhoneField),
            email: Type.Optional(EmailField),
            tenant: TenantField,
          }),
          response: {
            202: Type.Object({ expiresAt: IsoDateTime() }),
            ...errorResponses,
            429: errorResponses[400],
          },
        },
      },
      async (request, reply) => {
        const r = await startCabinetLogin(deps.db, {
          tenantSlug: request.body.tenant,
          phone: request.body.phone,
          email: request.body.email,
          now: deps.now(),
          sender,
          emailSender,
        });
        return reply.status(202).send({ expiresAt: r.expiresAt.toISOString() });
      },
    );

    app.post(
      '/cabinet/verify',
      {
        config: { public: true },
        schema: {
          tags: ['cabinet'],
          summary: 'Member sign-in, step 2: check the code and start a cabinet session (cookie)',
          description: `Sets the httpOnly \`${MEMBER_SESSION_COOKIE}\` cookie for ${COOKIE_PATH}. A wrong code is 401 with \`details.reason\` (invalid, expired, locked, none).`,
          body: Type.Object({
            phone: Type.Optional(PhoneField),
            email: Type.Optional(EmailField),
            code: Type.String({ minLength: 4, maxLength: 12 }),
            tenant: TenantField,
          }),
          response: {
            200: Type.Object({ member: ProfileSchema, expiresAt: IsoDateTime() }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const r = await completeCabinetLogin(deps.db, {
          tenantSlug: request.body.tenant,
          phone: request.body.phone,
          email: request.body.email,
          code: request.body.code,
          now: deps.now(),
        });
        reply.setCookie(MEMBER_SESSION_COOKIE, r.token, {
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.config.KOPILKA_SECURE_COOKIES || request.protocol === 'https',
          path: COOKIE_PATH,
          maxAge: Math.floor(MEMBER_SESSION_TTL_MS / 1000),
        });
        return { member: await profileOf(r.member), expiresAt: r.expiresAt.toISOString() };
      },
    );

    app.post(
      '/cabinet/logout',
      { config: { public: true }, schema: { ...cabinetSchema, summary: 'Sign out of the cabinet' } },
      async (request, reply) => {
        await endCabinetSession(deps.db, request.cookies[MEMBER_SESSION_COOKIE]);
        clearCookie(reply);
        return reply.status(204).send();
      },
    );

    app.get(
      '/cabinet/session',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'Am I signed in? The profile, or null (never 401)',
          description:
            'For the cabinet page to decide between the sign-in form and the card without an error.',
          response: {
            200: Type.Object({ member: Type.Union([ProfileSchema, Type.Null()]) }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const m = await signedIn(request).catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'unauthorized') return null;
          throw err;
        });
        return { member: m ? await profileOf(m) : null };
      },
    );

    app.get(
      '/cabinet/me',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'My profile',
          response: { 200: ProfileSchema, ...errorResponses },
        },
      },
      async (request) => profileOf(await signedIn(request)),
    );

    app.patch(
      '/cabinet/me',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'Change my name, email or birth date',
          description: 'The phone is how you sign in; ask the shop to change it.',
          body: Type.Object({
            firstName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            lastName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
            birthDate: Type.Optional(Nullable(Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }))),
          }),
          response: { 200: ProfileSchema, ...errorResponses },
        },
      },
      async (request) => {
        const m = await signedIn(request);
        await updateMember(deps.db, writeContext(request, m), m.memberId, request.body);
        return profileOf(m);
      },
    );

    app.delete(
      '/cabinet/me',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'Delete my account (erase my personal data)',
          description:
            'Anonymizes the member: phone, email, names and other personal data are removed, cards blocked, ' +
            'consents withdrawn; the points ledger and receipts stay for accounting. Signs out everywhere.',
        },
      },
      async (request, reply) => {
        const m = await signedIn(request);
        await eraseMember(deps.db, writeContext(request, m), m.memberId);
        await endAllCabinetSessions(deps.db, m);
        clearCookie(reply);
        return reply.status(204).send();
      },
    );

    app.get(
      '/cabinet/balance',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'My points: available, pending and what expires when; my tier',
          response: { 200: BalanceSchema, ...errorResponses },
        },
      },
      async (request) => {
        const m = await signedIn(request);
        const now = deps.now();
        const [points, tier, member] = await Promise.all([
          getBalance(deps.db, m.tenantId, m.memberId, now),
          findMemberTierView(deps.db, m.tenantId, m.memberId, now),
          getMemberOrThrow(deps.db, m.tenantId, m.memberId),
        ]);
        return { points, tier, householdId: member.householdId };
      },
    );

    app.get(
      '/cabinet/tier',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'My tier and how far the next one is',
          response: { 200: MemberTierSchema, ...errorResponses },
        },
      },
      async (request) => {
        const m = await signedIn(request);
        return getMemberTierProgress(deps.db, m.tenantId, m.memberId, deps.now());
      },
    );

    app.get(
      '/cabinet/history',
      {
        config: { public: true },
        schema: { ...cabinetSchema, summary: 'My points history, newest first', querystring: ListQuery },
      },
      async (request) => {
        const m = await signedIn(request);
        return listHistory(deps.db, m.tenantId, m.memberId, {
          limit: request.query.limit ?? 50,
          cursor: request.query.cursor,
        });
      },
    );

    app.get(
      '/cabinet/receipts',
      {
        config: { public: true },
        schema: { ...cabinetSchema, summary: 'My purchases, newest first', querystring: ListQuery },
      },
      async (request) => {
        const m = await signedIn(request);
        return listReceipts(deps.db, m.tenantId, {
          memberId: m.memberId,
          limit: request.query.limit ?? 50,
          cursor: request.query.cursor,
        });
      },
    );

    app.get(
      '/cabinet/receipts/:receiptId',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'One of my purchases with its lines',
          params: Type.Object({ receiptId: Id() }),
          response: { 200: ReceiptView, ...errorResponses },
        },
      },
      async (request) => {
        const m = await signedIn(request);
        const receipt = await getReceiptOrThrow(deps.db, m.tenantId, request.params.receiptId);
        if (receipt.memberId !== m.memberId) throw notFound('Receipt', request.params.receiptId);
        return receipt;
      },
    );

    app.get(
      '/cabinet/offers',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'My offers: campaigns running now that I get, and my personal coupons',
          description:
            'Campaigns in force whose audience, tier, budgets and per-member limits let this member have them ' +
            '(series-gated ones come with the coupons that unlock them), and the active personal coupons issued ' +
            'to the member with whether each may be used now.',
          response: { 200: OffersSchema, ...errorResponses },
        },
      },
      async (request) => {
        const m = await signedIn(request);
        return listCabinetOffers(deps.db, m.tenantId, m.memberId, deps.now());
      },
    );

    app.get(
      '/cabinet/qr-token',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'My card as a rotating QR code',
          description: 'Fetch a new token before `expiresAt`; the till accepts it as `member: { qrToken }`.',
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
        const m = await signedIn(request);
        const token = await issueQrToken(deps.db, m.tenantId, m.memberId, deps.now());
        return { ...token, expiresAt: token.expiresAt.toISOString() };
      },
    );

    app.get(
      '/cabinet/consents',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'My consents',
          response: { 200: Page(ConsentSchema), ...errorResponses },
        },
      },
      async (request) => {
        const m = await signedIn(request);
        return { items: await listConsents(deps.db, m.tenantId, m.memberId), nextCursor: null };
      },
    );

    app.post(
      '/cabinet/consents',
      {
        config: { public: true },
        schema: {
          ...cabinetSchema,
          summary: 'Give or withdraw a consent',
          body: Type.Object({
            channel: Type.Optional(ConsentChannelSchema),
            purpose: ConsentPurposeSchema,
            granted: Type.Boolean(),
            textVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          }),
          response: { 201: ConsentSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const m = await signedIn(request);
        const userAgent = request.headers['user-agent'];
        const consent = await changeConsent(
          deps.db,
          writeContext(request, m),
          m.memberId,
          {
            ...request.body,
            source: 'web',
            evidence: { ip: request.ip, ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}) },
          },
          'web',
        );
        return reply.status(201).send(consent);
      },
    );

    app.get(
      '/cabinet/export',
      {
        config: { public: true },
        schema: { ...cabinetSchema, summary: 'Download everything the program holds about me (JSON)' },
      },
      async (request, reply) => {
        const m = await signedIn(request);
        const data = await exportMemberData(deps.db, writeContext(request, m), m.memberId);
        const receipts = [];
        let cursor: string | undefined;
        do {
          const page = await listReceipts(deps.db, m.tenantId, { memberId: m.memberId, limit: 500, cursor });
          receipts.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        reply.header('content-disposition', 'attachment; filename="my-data.json"');
        return { ...data, receipts };
      },
    );
  };
}

export const cabinetRoutes = createCabinetRoutes();
