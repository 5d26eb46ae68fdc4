import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';

const T0 = new Date('2026-11-22T10:00:00Z');

describeEachEngine('Member cabinet API', (engine) => {
  let t: TestApp;
  let memberId: string;
  let cookie: string;
  const phone = '+79165550199';

  /** Asks for a code and reads it from the server log, as a developer would. */
  const requestCode = async (forPhone: string) => {
    const info = vi.spyOn(t.app.log, 'info');
    const res = await t.call({
      method: 'POST',
      url: '/v1/cabinet/login',
      key: null,
      payload: { phone: forPhone, tenant: t.tenant.slug },
    });
    const line = info.mock.calls
      .map((c) => c[1])
      .find((m) => typeof m === 'string' && m.startsWith('verification code'));
    info.mockRestore();
    return { res, code: typeof line === 'string' ? line.slice(-6) : undefined };
  };
  const asMember = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    c = cookie,
  ) =>
    t.call({
      method,
      url,
      key: null,
      headers: { cookie: c },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  beforeAll(async () => {
    t = await createTestApp(engine, { now: T0 });
    const created = await t.call({
      method: 'POST',
      url: '/v1/members',
      payload: { phone: '8 916 555-01-99', firstName: 'Anna' },
    });
    expect(created.statusCode, created.body).toBe(201);
    memberId = created.json().memberId;
    const adj = await t.call({
      method: 'POST',
      url: `/v1/members/${memberId}/adjustments`,
      headers: { 'idempotency-key': 'seed-1' },
      payload: { points: 150, reason: 'welcome' },
    });
    expect(adj.statusCode, adj.body).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends a code to a member phone and answers the same for an unknown phone', async () => {
    const unknown = await requestCode('+79160000000');
    expect(unknown.res.statusCode).toBe(202);
    expect(unknown.code).toBeUndefined();
    const known = await requestCode(phone);
    expect(known.res.statusCode).toBe(202);
    expect(Object.keys(known.res.json())).toEqual(Object.keys(unknown.res.json()));
    expect(known.code).toMatch(/^\d{6}$/);

    const wrong = await t.call({
      method: 'POST',
      url: '/v1/cabinet/verify',
      key: null,
      payload: { phone, code: known.code === '000000' ? '111111' : '000000' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatchObject({ code: 'unauthorized', details: { reason: 'invalid' } });

    // Without "tenant": the only program of the installation.
    const ok = await t.call({
      method: 'POST',
      url: '/v1/cabinet/verify',
      key: null,
      payload: { phone, code: known.code },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().member).toMatchObject({
      memberId,
      phone,
      firstName: 'Anna',
      program: { currency: 'RUB' },
    });
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/^kopilka_member=[^;]+;/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('Path=/v1/cabinet');
    cookie = setCookie.split(';')[0]!;
    const row = await t.db
      .withTables<{ cabinet_session: { token_hash: string; member_id: string } }>()
      .selectFrom('cabinet_session')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.member_id).toBe(memberId);
    expect(cookie).not.toContain(row.token_hash);
  });

  it('answers only to the member cookie, not to staff credentials', async () => {
    expect((await t.call({ method: 'GET', url: '/v1/cabinet/me' })).statusCode).toBe(401);
    const anonymous = await t.call({ method: 'GET', url: '/v1/cabinet/session', key: null });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ member: null });
    expect((await asMember('GET', '/v1/cabinet/session')).json().member).toMatchObject({ memberId });
    expect((await asMember('GET', '/v1/cabinet/me', undefined, 'kopilka_member=forged')).statusCode).toBe(
      401,
    );
    const me = await asMember('GET', '/v1/cabinet/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().cardNumber).toMatch(/^\d+$/);
  });

  it('shows balance, history, QR code that a till accepts, and purchases', async () => {
    const balance = await asMember('GET', '/v1/cabinet/balance');
    expect(balance.statusCode).toBe(200);
    expect(balance.json().points).toMatchObject({ available: 150, pending: 0 });
    expect(balance.json().points.expiring[0]).toMatchObject({ points: 150 });

    const ladder = await t.call({
      method: 'PUT',
      url: '/v1/tiers',
      payload: {
        windowDays: 365,
        tiers: [
          {
            code: 'silver',
            name: 'Silver',
            qualifyingSpendMinor: 0,
            discountPercent: '0',
            earnMultiplier: '1',
          },
          {
            code: 'gold',
            name: 'Gold',
            qualifyingSpendMinor: 1_000_000,
            discountPercent: '5',
            earnMultiplier: '1.5',
          },
        ],
      },
    });
    expect(ladder.statusCode, ladder.body).toBe(200);
    const tier = await asMember('GET', '/v1/cabinet/tier');
    expect(tier.statusCode, tier.body).toBe(200);
    expect(tier.json()).toMatchObject({
      memberId,
      tier: { code: 'silver' },
      metric: { kind: 'spend', value: 0 },
      nextTier: { code: 'gold', threshold: 1_000_000, remaining: 1_000_000 },
    });

    const history = await asMember('GET', '/v1/cabinet/history');
    expect(history.json().items).toEqual([
      expect.objectContaining({ kind: 'adjust', points: 150, reason: 'welcome' }),
    ]);

    const qr = await asMember('GET', '/v1/cabinet/qr-token');
    expect(qr.statusCode).toBe(200);
    const confirm = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: {
        receiptId: 'cab-1',
        member: { qrToken: qr.json().qrToken },
        lines: [{ lineId: '1', sku: 'LATTE', quantity: 1, amountMinor: 20_000 }],
      },
    });
    expect(confirm.statusCode, confirm.body).toBe(201);
    expect(confirm.json().memberId).toBe(memberId);

    const receipts = await asMember('GET', '/v1/cabinet/receipts');
    expect(receipts.json().items.map((r: { receiptId: string }) => r.receiptId)).toEqual(['cab-1']);
    expect((await asMember('GET', '/v1/cabinet/receipts/cab-1')).json().lines).toHaveLength(1);

    const foreign = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { receiptId: 'anon-1', lines: [{ lineId: '1', quantity: 1, amountMinor: 100 }] },
    });
    expect(foreign.statusCode).toBe(201);
    expect((await asMember('GET', '/v1/cabinet/receipts/anon-1')).statusCode).toBe(404);
  });

  it('changes the profile and consents (source web) and exports everything as JSON', async () => {
    const patched = await asMember('PATCH', '/v1/cabinet/me', {
      lastName: 'Petrova',
      email: 'anna@example.com',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      firstName: 'Anna',
      lastName: 'Petrova',
      email: 'anna@example.com',
    });

    const granted = await asMember('POST', '/v1/cabinet/consents', {
      channel: 'sms',
      purpose: 'marketing',
      granted: true,
    });
    expect(granted.statusCode, granted.body).toBe(201);
    expect(granted.json()).toMatchObject({ channel: 'sms', granted: true, source: 'web' });
    const withdrawn = await asMember('POST', '/v1/cabinet/consents', {
      channel: 'sms',
      purpose: 'marketing',
      granted: false,
    });
    expect(withdrawn.json().granted).toBe(false);
    expect((await asMember('GET', '/v1/cabinet/consents')).json().items).toEqual([
      expect.objectContaining({ channel: 'sms', purpose: 'marketing', granted: false }),
    ]);

    const exported = await asMember('GET', '/v1/cabinet/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toContain('attachment');
    const data = exported.json();
    expect(data.member).toMatchObject({ memberId, lastName: 'Petrova' });
    expect(data.receipts.map((r: { receiptId: string }) => r.receiptId)).toEqual(['cab-1']);
    expect(data.consents.history).toHaveLength(2);
  });

  it('signs out one browser; deleting the account erases the member and ends every session', async () => {
    t.clock.now = new Date(T0.getTime() + 31_000); // past the 30 s pause between codes
    const second = await requestCode(phone);
    expect(second.res.statusCode).toBe(202);
    const again = await t.call({
      method: 'POST',
      url: '/v1/cabinet/verify',
      key: null,
      payload: { phone, code: second.code },
    });
    expect(again.statusCode, again.body).toBe(200);
    const other = String(again.headers['set-cookie']).split(';')[0]!;

    expect((await asMember('POST', '/v1/cabinet/logout', undefined, other)).statusCode).toBe(204);
    expect((await asMember('GET', '/v1/cabinet/me', undefined, other)).statusCode).toBe(401);
    expect((await asMember('GET', '/v1/cabinet/me')).statusCode).toBe(200);

    const erased = await asMember('DELETE', '/v1/cabinet/me');
    expect(erased.statusCode, erased.body).toBe(204);
    expect(String(erased.headers['set-cookie'])).toMatch(/^kopilka_member=;/);
    expect((await asMember('GET', '/v1/cabinet/me')).statusCode).toBe(401);
    const staffView = await t.call({ method: 'GET', url: `/v1/members/${memberId}` });
    expect(staffView.json()).toMatchObject({
      status: 'anonymized',
      phone: null,
      firstName: null,
      lastName: null,
    });
    // The phone no longer signs anyone in.
    t.clock.now = new Date(T0.getTime() + 120_000);
    expect((await requestCode(phone)).code).toBeUndefined();
  });
});
