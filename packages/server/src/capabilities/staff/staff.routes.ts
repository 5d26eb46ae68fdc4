import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors';
import { SESSION_COOKIE } from '../../platform/http';
import { ALL_SCOPES } from '../../platform/principal';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, IdParams } from '../../platform/schemas';
import { actorOf, recordAudit } from '../audit/audit.service';
import * as repo from './staff.repository';
import { createApiKey, createStaffUser, login, logout, SESSION_TTL_MS } from './staff.service';

const Role = Type.Union(
  ['owner', 'admin', 'marketer', 'analyst', 'support', 'cashier'].map((r) => Type.Literal(r)),
);
const ScopeSchema = Type.Union([Type.Literal('*'), ...ALL_SCOPES.map((s) => Type.Literal(s))]);

export const staffRoutes: RoutePlugin = (deps) => async (app) => {
  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['staff'],
        summary: 'Staff sign-in for the console (sets a session cookie)',
        body: Type.Object({
          email: Type.String({ minLength: 3, maxLength: 254 }),
          password: Type.String({ minLength: 1, maxLength: 200 }),
          tenant: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        response: {
          200: Type.Object({
            user: Type.Object({
              id: Type.String(),
              email: Type.String(),
              role: Type.String(),
              tenant: Type.String(),
            }),
            expiresAt: Type.String(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await login(deps.db, request.body, deps.now());
      reply.setCookie(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.KOPILKA_SECURE_COOKIES || request.protocol === 'https',
        path: '/',
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      return { user: result.user, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.post(
    '/auth/logout',
    { config: { public: true }, schema: { tags: ['staff'], summary: 'Sign out' } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout(deps.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get('/auth/me', { schema: { tags: ['staff'], summary: 'Who am I' } }, async (request) => {
    const p = request.principal;
    if (!p) throw new AppError('unauthorized', 'Sign in first.');
    return {
      tenantId: p.tenantId,
      actorType: p.actorType,
      actorId: p.actorId,
      role: p.role,
      scopes: p.scopes,
    };
  });

  app.get(
    '/api-keys',
    { schema: { tags: ['staff'], summary: 'List API keys (never their secrets)' } },
    async (request) => {
      const p = principalOf(request, 'admin');
      const rows = await repo.listApiKeys(deps.db, p.tenantId);
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          prefix: r.key_prefix,
          scopes: r.scopes,
          createdAt: r.created_at.toISOString(),
          revokedAt: r.revoked_at?.toISOString() ?? null,
        })),
        nextCursor: null,
      };
    },
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create an API key for a till, shop or integration; the key is shown once',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          scopes: Type.Array(ScopeSchema, { minItems: 1, uniqueItems: true }),
        }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'admin');
      const created = await deps.db.transaction().execute(async (trx) => {
        const key = await createApiKey(trx, {
          tenantId: p.tenantId,
          name: request.body.name,
          scopes: request.body.scopes,
          createdBy: p.actorId,
        });
        await recordAudit(trx, {
          tenantId: p.tenantId,
          actor: actorOf(p),
          action: 'api_key.created',
          targetType: 'api_key',
          targetId: key.id,
          details: { name: request.body.name, scopes: request.body.scopes },
          requestId: request.id,
        });
        return key;
      });
      return reply.status(201).send({
        id: created.id,
        key: created.key,
        prefix: created.prefix,
        name: request.body.name,
        scopes: request.body.scopes,
      });
    },
  );

  app.delete(
    '/api-keys/:id',
    { schema: { tags: ['staff'], summary: 'Revoke an API key', params: IdParams } },
    async (request, reply) => {
      const p = principalOf(request, 'admin');
      const revoked = await deps.db.transaction().execute(async (trx) => {
        const ok = await repo.revokeApiKey(trx, p.tenantId, request.params.id);
        if (ok)
          await recordAudit(trx, {
            tenantId: p.tenantId,
            actor: actorOf(p),
            action: 'api_key.revoked',
            targetType: 'api_key',
            targetId: request.params.id,
            requestId: request.id,
          });
        return ok;
      });
      if (!revoked)
        throw new AppError(
          'not_found',
          `API key '${request.params.id}' does not exist or is already revoked.`,
        );
      return reply.status(204).send();
    },
  );

  app.get('/staff', { schema: { tags: ['staff'], summary: 'List staff users' } }, async (request) => {
    const p = principalOf(request, 'staff:read');
    const rows = await repo.listStaff(deps.db, p.tenantId);
    return {
      items: rows.map((r) => ({
        id: r.id,
        email: r.email,
        name: r.name,
        role: r.role,
        disabled: r.disabled,
        createdAt: r.created_at.toISOString(),
        lastLoginAt: r.last_login_at?.toISOString() ?? null,
      })),
      nextCursor: null,
    };
  });

  app.post(
    '/staff',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create a staff user',
        body: Type.Object({
          email: Type.String({ format: 'email', maxLength: 254 }),
          name: Type.String({ maxLength: 200, default: '' }),
          role: Role,
          password: Type.String({ minLength: 10, maxLength: 200 }),
        }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request, 'staff:write');
      if (request.body.role === 'owner' && p.role !== 'owner' && !p.scopes.includes('*')) {
        throw new AppError('forbidden', 'Only an owner can create another owner.');
      }
      const body = request.body;
      const user = await deps.db.transaction().execute(async (trx) => {
        const existing = await repo.findStaffByEmail(trx, body.email);
        if (existing.some((u) => u.tenant_id === p.tenantId)) {
          throw new AppError('conflict', `A staff user with email ${body.email} already exists.`);
        }
        const created = await createStaffUser(trx, {
          tenantId: p.tenantId,
          email: body.email,
          name: body.name,
          role: body.role as never,
          password: body.password,
        });
        await recordAudit(trx, {
          tenantId: p.tenantId,
          actor: actorOf(p),
          action: 'staff.created',
          targetType: 'staff_user',
          targetId: created.id,
          details: { email: body.email, role: body.role },
          requestId: request.id,
        });
        return created;
      });
      return reply.status(201).send({ id: user.id, email: body.email, name: body.name, role: body.role });
    },
  );
};
