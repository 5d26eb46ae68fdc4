import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import { routePlugins } from '../capabilities/index';
import { createPrincipalResolver } from '../capabilities/staff/staff.service';
import type { AppDeps } from './app-deps';
import { isPoolExhausted } from './db';
import { AppError, toErrorBody } from './errors';
import { createMetrics } from './metrics';
import { pendingMigrations } from './migrate';
import type { Principal } from './principal';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The route needs no credentials (login, member cabinet sign-in, health). */
    public?: boolean;
  }
}

export const SESSION_COOKIE = 'kopilka_session';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
// The web console's build, found from the server package's root: this module runs from
// packages/server/src/platform/ (tsx, tests) or bundled into packages/server/dist/ (npm start).
const WEB_DIST = join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), '../web/dist');

function findPackageRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

// Bodies are validated strictly (no type coercion: "100" is not an integer of points, 0.05 is not a
// decimal string); query strings and path params are text by nature and are coerced.
function createAjvs() {
  const common = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false } as const;
  const body = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: 'array' });
  for (const ajv of [body, text]) {
    addFormats.default(ajv, ['date-time', 'date', 'email', 'uri']);
    ajv.addKeyword({ keyword: 'x-kopilka', schemaType: 'object' });
  }
  return { body, text };
}

type ValidationIssue = {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
};

function describeValidation(context: string, issues: ValidationIssue[]) {
  return issues.map((i) => {
    let path = (i.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    if (i.keyword === 'required' && typeof i.params?.missingProperty === 'string') {
      path = path ? `${path}.${i.params.missingProperty}` : i.params.missingProperty;
    }
    return { field: path ? `${context}.${path}` : context, message: i.message ?? 'is invalid' };
  });
}

function errorToResponse(
  err: FastifyError & { validation?: ValidationIssue[]; validationContext?: string },
  request: FastifyRequest,
) {
  if (err instanceof AppError) return { status: err.status, body: toErrorBody(err) };
  if (err.validation) {
    const details = describeValidation(err.validationContext ?? 'body', err.validation);
    const first = details[0];
    const message = `The request is invalid: ${details.length === 1 && first ? `${first.field} ${first.message}` : `${details.length} fields are wrong (see details)`}.`;
    return { status: 400, body: toErrorBody(new AppError('validation_failed', message, details)) };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: toErrorBody(
          new AppError(
            'validation_failed',
            'The request body is not valid JSON; send a JSON object with Content-Type: application/json.',
            [
              {
                field: 'body',
                message: err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'is empty' : 'is not valid JSON',
              },
            ],
          ),
        ),
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: toErrorBody(new AppError('payload_too_large', 'The request body is too large.')),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: toErrorBody(
          new AppError(
            'unsupported_media_type',
            'Send the body as JSON with Content-Type: application/json.',
          ),
        ),
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        body: toErrorBody(new AppError('validation_failed', 'Content-Length does not match the body.')),
      };
  }
  // SQLSTATE class 22 (data exception): input that passed the schema but that PostgreSQL refuses,
  // e.g. a NUL character in text or a number out of range. The client's fault, never a 500.
  if (/^22[0-9A-Z]{3}$/.test(String((err as { code?: unknown }).code ?? ''))) {
    return {
      status: 400,
      body: toErrorBody(
        new AppError(
          'validation_failed',
          'The request contains a value that cannot be stored (for example a NUL character in text, or a number out of range).',
          [{ field: 'body', message: 'contains a value that cannot be stored' }],
        ),
      ),
    };
  }
  if (isPoolExhausted(err)) {
    return {
      status: 503,
      headers: { 'retry-after': '1' },
      body: toErrorBody(
        new AppError(
          'unavailable',
          'The server is overloaded right now; retry the same request in a second.',
        ),
      ),
    };
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    const code =
      err.statusCode === 404 ? 'not_found' : err.statusCode === 401 ? 'unauthorized' : 'validation_failed';
    return { status: err.statusCode, body: { error: { code, message: err.message } } };
  }
  request.log.error({ err }, 'unhandled error');
  return {
    status: 500,
    body: {
      error: {
        code: 'internal_error',
        message: `Something went wrong on our side; the request id is ${request.id}.`,
      },
    },
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.KOPILKA_BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ajv = createAjvs();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? ajv.body : ajv.text).compile(schema),
  );

  const metrics = createMetrics();
  const principals = createPrincipalResolver(deps.db, deps.now);

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, body, headers } = errorToResponse(err, request) as {
      status: number;
      body: unknown;
      headers?: Record<string, string>;
    };
    if (headers) reply.headers(headers);
    return reply.status(status).send(body);
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Kopilka API',
        version: '1.0.0',
        description:
          'Loyalty platform API: members, points ledger, receipts (cash registers and web shops), campaigns, tiers. ' +
          'Money is integer minor units; points are integers; decimal rates travel as strings. ' +
          'Under overload a request is refused at once with 503 `unavailable` and `Retry-After`; retry the same request (writes are idempotent).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API key' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      const pending = await pendingMigrations(deps.db);
      if (pending.length > 0) return reply.status(503).send({ status: 'migrating', pending });
      return { status: 'ready', engine: deps.engine };
    } catch {
      return reply.status(503).send({ status: 'database_unreachable' });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request) => {
        if (request.routeOptions.config.public) return;
        const auth = request.headers.authorization;
        let principal: Principal | null = null;
        if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) {
          principal = await principals.fromApiKey(auth.replace(/^bearer\s+/i, '').trim());
        } else {
          const token = request.cookies[SESSION_COOKIE];
          if (token) principal = await principals.fromSession(token);
        }
        if (!principal) {
          throw new AppError(
            'unauthorized',
            'Send a valid API key as "Authorization: Bearer <key>" or sign in to the console.',
          );
        }
        request.principal = principal;
      });
      for (const plugin of routePlugins) await v1.register(plugin(deps));
    },
    { prefix: '/v1' },
  );

  const hasWeb = existsSync(join(WEB_DIST, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
  } else {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><html lang="ru"><meta charset="utf-8"><title>Kopilka</title><h1>Копилка</h1>' +
            '<p>The web console is not built yet: run <code>npm run build:web</code>. API docs: <a href="/docs">/docs</a>.</p></html>',
        ),
    );
  }

  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/v1') || request.method !== 'GET';
    if (!isApi && hasWeb && (request.headers.accept ?? '').includes('text/html')) {
      return reply.sendFile('index.html'); // client-side routes of the single-page app
    }
    return reply
      .status(404)
      .send(
        toErrorBody(
          new AppError('not_found', `There is no ${request.method} ${request.url.split('?')[0]} endpoint.`),
        ),
      );
  });

  return app;
}
