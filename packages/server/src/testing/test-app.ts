import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { jobDefinitions } from '../capabilities/index';
import { createApiKey, createStaffUser } from '../capabilities/staff/staff.service';
import { createTenant } from '../capabilities/tenants/tenants.service';
import { loadConfig } from '../platform/config';
import type { DatabaseHandle, Db } from '../platform/db';
import { buildApp } from '../platform/http';
import { createJobRunner } from '../platform/jobs';
import { createLogger } from '../platform/logger';
import type { TestEngine } from './engines';

export type TestTenant = {
  tenantId: string;
  slug: string;
  apiKey: string;
  ownerEmail: string;
  ownerPassword: string;
};

let tenantCounter = 0;

export async function seedTenant(
  db: Db,
  slug = `t${Date.now().toString(36)}${tenantCounter++}`,
): Promise<TestTenant> {
  const tenant = await createTenant(db, { name: `Test ${slug}`, slug });
  const ownerEmail = `owner@${slug}.test`;
  const ownerPassword = 'correct horse battery';
  await createStaffUser(db, {
    tenantId: tenant.id,
    email: ownerEmail,
    name: 'Owner',
    role: 'owner',
    password: ownerPassword,
  });
  const key = await createApiKey(db, { tenantId: tenant.id, name: 'test', scopes: ['*'], createdBy: null });
  return { tenantId: tenant.id, slug, apiKey: key.key, ownerEmail, ownerPassword };
}

export type TestApp = {
  app: FastifyInstance;
  db: Db;
  handle: DatabaseHandle;
  tenant: TestTenant;
  clock: { now: Date };
  /** inject with the tenant's API key */
  call: (opts: InjectOptions & { key?: string | null }) => Promise<LightMyRequestResponse>;
  close: () => Promise<void>;
};

export async function createTestApp(engine: TestEngine, opts: { now?: Date } = {}): Promise<TestApp> {
  const handle = await engine.open();
  const config = loadConfig({ LOG_LEVEL: 'silent', KOPILKA_JOBS: '0', KOPILKA_DEMO: '0', NODE_ENV: 'test' });
  const logger = createLogger(config);
  const clock = { now: opts.now ?? new Date() };
  const now = () => new Date(clock.now.getTime());
  const jobs = createJobRunner({ db: handle.db, logger, jobs: jobDefinitions });
  const app = await buildApp({ db: handle.db, engine: handle.engine, config, logger, now, jobs });
  await app.ready();
  const tenant = await seedTenant(handle.db);
  return {
    app,
    db: handle.db,
    handle,
    tenant,
    clock,
    call: ({ key, headers, ...rest }) =>
      app.inject({
        ...rest,
        headers: { ...(key === null ? {} : { authorization: `Bearer ${key ?? tenant.apiKey}` }), ...headers },
      }),
    close: async () => {
      await app.close();
      await handle.close();
    },
  };
}
