import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../testing/engines';
import { createTestApp, seedTenant, type TestApp } from '../../testing/test-app';

describeEachEngine('HTTP platform', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves health, readiness, metrics, OpenAPI and docs', async () => {
    expect((await t.call({ method: 'GET', url: '/healthz', key: null })).json()).toEqual({ status: 'ok' });
    const ready = await t.call({ method: 'GET', url: '/readyz', key: null });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', engine: engine.name });
    const openapi = await t.call({ method: 'GET', url: '/openapi.json', key: null });
    expect(openapi.statusCode).toBe(200);
    expect(openapi.json().openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.json().paths)).toContain('/v1/admin/jobs/run');
    const docs = await t.call({ method: 'GET', url: '/docs', key: null });
    expect([200, 302]).toContain(docs.statusCode);
    const home = await t.call({ method: 'GET', url: '/', key: null });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toContain('text/html');
    await t.call({ method: 'GET', url: '/v1/staff' });
    const metrics = await t.call({ method: 'GET', url: '/metrics', key: null });
    expect(metrics.body).toContain('kopilka_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/v1/staff"');
  });

  it('rejects missing and unknown API keys with 401 unauthorized', async () => {
    const missing = await t.call({ method: 'GET', url: '/v1/staff', key: null });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('unauthorized');
    const unknown = await t.call({ method: 'GET', url: '/v1/staff', key: 'kpk_not-a-real-key' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('answers malformed JSON, schema failures and unknown routes with the contract error body', async () => {
    const bad = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect(bad.body).not.toMatch(/at .*\.(js|ts):\d+/);

    const invalid = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: '', scopes: ['nope'], extra: 1 },
    });
    expect(invalid.statusCode).toBe(400);
    const body = invalid.json();
    expect(body.error.code).toBe('validation_failed');
    const fields = body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toContain('body.name');
    expect(fields.some((f: string) => f.startsWith('body.scopes'))).toBe(true);

    const typed = await t.call({ method: 'POST', url: '/v1/admin/jobs/run', payload: { at: 'yesterday' } });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().error.details[0].field).toBe('body.at');

    const missing = await t.call({ method: 'GET', url: '/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');

    const badId = await t.call({ method: 'DELETE', url: '/v1/api-keys/has%20space' });
    expect(badId.statusCode).toBe(400);
  });

  it('limits the body size', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'x'.repeat(2 * 1024 * 1024), scopes: ['*'] },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('echoes a request id', async () => {
    const res = await t.call({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'till-3:42' } });
    expect(res.headers['x-request-id']).toBe('till-3:42');
  });

  it('keeps tenants apart: a key of tenant A never sees tenant B', async () => {
    const b = await seedTenant(t.db);
    const createdByB = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      key: b.apiKey,
      payload: { name: 'B till', scopes: ['receipts:write'] },
    });
    expect(createdByB.statusCode).toBe(201);
    const listA = (await t.call({ method: 'GET', url: '/v1/api-keys' })).json();
    expect(listA.items.map((k: { name: string }) => k.name)).not.toContain('B till');
    const staffA = (await t.call({ method: 'GET', url: '/v1/staff' })).json();
    expect(staffA.items.map((s: { email: string }) => s.email)).toEqual([t.tenant.ownerEmail]);
    const revokeOther = await t.call({ method: 'DELETE', url: `/v1/api-keys/${createdByB.json().id}` });
    expect(revokeOther.statusCode).toBe(404);
    const auditA = (await t.call({ method: 'GET', url: '/v1/audit-log' })).json();
    expect(auditA.items.every((e: { targetId: string }) => e.targetId !== createdByB.json().id)).toBe(true);
  });

  it('enforces scopes: a till key cannot manage API keys', async () => {
    const till = (
      await t.call({
        method: 'POST',
        url: '/v1/api-keys',
        payload: { name: 'till', scopes: ['receipts:write'] },
      })
    ).json();
    const res = await t.call({ method: 'GET', url: '/v1/api-keys', key: till.key });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
  });

  it('signs staff in with a session cookie and out again', async () => {
    const wrong = await t.call({
      method: 'POST',
      url: '/v1/auth/login',
      key: null,
      payload: { email: t.tenant.ownerEmail, password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await t.call({
      method: 'POST',
      url: '/v1/auth/login',
      key: null,
      payload: { email: t.tenant.ownerEmail.toUpperCase(), password: t.tenant.ownerPassword },
    });
    expect(ok.statusCode).toBe(200);
    const cookie = ok.cookies.find((c) => c.name === 'kopilka_session');
    expect(cookie?.httpOnly).toBe(true);
    const me = await t.call({
      method: 'GET',
      url: '/v1/auth/me',
      key: null,
      cookies: { kopilka_session: cookie!.value },
    });
    expect(me.json()).toMatchObject({ tenantId: t.tenant.tenantId, actorType: 'staff', role: 'owner' });
    await t.call({
      method: 'POST',
      url: '/v1/auth/logout',
      key: null,
      cookies: { kopilka_session: cookie!.value },
    });
    const after = await t.call({
      method: 'GET',
      url: '/v1/auth/me',
      key: null,
      cookies: { kopilka_session: cookie!.value },
    });
    expect(after.statusCode).toBe(401);
  });

  it('revoked keys stop working', async () => {
    const k = (
      await t.call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'temp', scopes: ['*'] } })
    ).json();
    expect((await t.call({ method: 'DELETE', url: `/v1/api-keys/${k.id}` })).statusCode).toBe(204);
    // a fresh app has an empty key cache; on this one the cache may hold it for a few seconds
    const rows = await t.db
      .selectFrom('api_key')
      .select('revoked_at')
      .where('id', '=', k.id)
      .executeTakeFirstOrThrow();
    expect(rows.revoked_at).not.toBeNull();
  });

  it('runs jobs for an instant via the admin endpoint', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/admin/jobs/run',
      payload: { at: '2026-12-07T00:00:00Z' },
    });
    expect(res.statusCode).toBe(200);
    expect(Array.isArray(res.json().ran)).toBe(true);
  });
});

describe('concurrency on one app', () => {
  describeEachEngine('100 concurrent requests', (engine) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(engine);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('all succeed, writes and reads interleaved, nothing lost', async () => {
      const requests = Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0
          ? t.call({
              method: 'POST',
              url: '/v1/api-keys',
              payload: { name: `k${i}`, scopes: ['members:read'] },
            })
          : t.call({ method: 'GET', url: '/v1/audit-log?limit=5' }),
      );
      const responses = await Promise.all(requests);
      expect(responses.map((r) => r.statusCode).filter((s) => s >= 300)).toEqual([]);
      const keys = await t.db
        .selectFrom('api_key')
        .select('name')
        .where('tenant_id', '=', t.tenant.tenantId)
        .where('name', 'like', 'k%')
        .execute();
      expect(keys).toHaveLength(50);
      const audits = await t.db
        .selectFrom('audit_log')
        .select('id')
        .where('tenant_id', '=', t.tenant.tenantId)
        .where('action', '=', 'api_key.created')
        .execute();
      expect(audits).toHaveLength(50);
    });
  });
});
