import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';

const T0 = new Date('2026-11-22T10:00:00Z');

describeEachEngine('Member cabinet: email sign-in and offers', (engine) => {
  let t: TestApp;
  let memberId: string;
  let cookie: string;
  const email = 'Olga@Example.com';

  /** Asks for a code by email and reads it from the server log, as a developer would. */
  const requestCode = async (payload: Record<string, unknown>) => {
    const info = vi.spyOn(t.app.log, 'info');
    const res = await t.call({ method: 'POST', url: '/v1/cabinet/login', key: null, payload });
    const line = info.mock.calls
      .map((c) => c[1])
      .find((m) => typeof m === 'string' && m.startsWith('verification code'));
    info.mockRestore();
    return { res, line: typeof line === 'string' ? line : undefined };
  };

  beforeAll(async () => {
    t = await createTestApp(engine, { now: T0 });
    const created = await t.call({
      method: 'POST',
      url: '/v1/members',
      payload: { email, phone: '+79165550177', firstName: 'Olga' },
    });
    expect(created.statusCode, created.body).toBe(201);
    memberId = created.json().memberId;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends a code to the email (any case) and signs in with it; unknown emails look the same', async () => {
    const unknown = await requestCode({ email: 'nobody@example.com' });
    expect(unknown.res.statusCode).toBe(202);
    expect(unknown.line).toBeUndefined();
    const known = await requestCode({ email: 'olga@example.COM' });
    expect(known.res.statusCode).toBe(202);
    expect(known.line).toMatch(/^verification code for olga@example\.com: \d{6}$/);
    const code = known.line!.slice(-6);

    // An email code is not a code for the member's phone.
    const viaPhone = await t.call({
      method: 'POST',
      url: '/v1/cabinet/verify',
      key: null,
      payload: { phone: '+79165550177', code },
    });
    expect(viaPhone.statusCode).toBe(401);
    expect(viaPhone.json().error.details).toEqual({ reason: 'none' });

    const ok = await t.call({
      method: 'POST',
      url: '/v1/cabinet/verify',
      key: null,
      payload: { email, code },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().member).toMatchObject({ memberId, email });
    cookie = String(ok.headers['set-cookie']).split(';')[0]!;
  });

  it('refuses a sign-in with both or neither address, or a malformed email', async () => {
    for (const payload of [{ email, phone: '+79165550177' }, {}, { email: 'not-an-email' }]) {
      const res = await t.call({ method: 'POST', url: '/v1/cabinet/login', key: null, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
  });

  it('lists the campaigns the member gets now and their personal coupons', async () => {
    const campaign = (body: Record<string, unknown>) =>
      t.call({
        method: 'POST',
        url: '/v1/campaigns',
        payload: { status: 'active', priority: 10, ...body },
      });
    expect(
      (await campaign({ name: 'Weekend x2', effect: { type: 'earn_multiplier', multiplier: '2' } }))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await campaign({
          name: 'Gold only',
          effect: { type: 'bonus_points', points: 50 },
          audience: { tiers: ['gold'] },
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await campaign({
          name: 'Drafted',
          status: 'draft',
          effect: { type: 'bonus_points', points: 5 },
        })
      ).statusCode,
    ).toBe(201);
    const series = await t.call({
      method: 'POST',
      url: '/v1/coupon-series',
      payload: { name: 'Birthday gift', kind: 'personal', validDays: 30 },
    });
    expect(series.statusCode, series.body).toBe(201);
    const seriesId = series.json().seriesId;
    expect(
      (
        await campaign({
          name: 'Gift coupon: 10 % off',
          conditions: { couponSeriesId: seriesId },
          effect: { type: 'discount_percent', percent: '10' },
        })
      ).statusCode,
    ).toBe(201);
    const issued = await t.call({
      method: 'POST',
      url: `/v1/coupon-series/${seriesId}/coupons`,
      payload: { memberId },
    });
    expect(issued.statusCode, issued.body).toBe(201);

    const offers = await t.call({
      method: 'GET',
      url: '/v1/cabinet/offers',
      key: null,
      headers: { cookie },
    });
    expect(offers.statusCode, offers.body).toBe(200);
    const body = offers.json();
    // Not the gold-only one (no tier), not the draft, not the series-gated one (it comes with its coupon).
    expect(body.campaigns.map((c: { name: string }) => c.name)).toEqual(['Weekend x2']);
    expect(body.campaigns[0].effect).toEqual({ type: 'earn_multiplier', multiplier: '2' });
    expect(body.coupons).toEqual([
      expect.objectContaining({
        code: issued.json().code,
        seriesName: 'Birthday gift',
        valid: true,
        reason: null,
        endsAt: '2026-12-22T10:00:00.000Z',
        campaigns: [expect.objectContaining({ name: 'Gift coupon: 10 % off' })],
      }),
    ]);
    expect((await t.call({ method: 'GET', url: '/v1/cabinet/offers', key: null })).statusCode).toBe(401);
  });
});
