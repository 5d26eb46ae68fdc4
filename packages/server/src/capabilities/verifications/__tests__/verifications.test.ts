import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import type { SmsMessage, SmsSender } from '../sms-sender';
import { sendVerification, verifyOtp } from '../verifications.service';

function capturingSender(): SmsSender & { sent: SmsMessage[] } {
  const sent: SmsMessage[] = [];
  return { name: 'test', sent, send: async (m) => void sent.push(m) };
}

const T0 = new Date('2026-11-22T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describeEachEngine('One-time codes', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: T0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('POST /v1/verifications answers 202 and writes the code to the server log', async () => {
    const info = vi.spyOn(t.app.log, 'info');
    const res = await t.call({
      method: 'POST',
      url: '/v1/verifications',
      payload: { phone: '8 (916) 555-01-01' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      verificationId: expect.stringMatching(/^vrf_/),
      expiresAt: at(5 * 60_000).toISOString(),
    });
    const line = info.mock.calls
      .map((c) => c[1])
      .find((m) => typeof m === 'string' && m.includes('+79165550101'));
    expect(line).toMatch(/^verification code for \+79165550101: \d{6}$/);
    info.mockRestore();
    const code = String(line).slice(-6);
    const row = await t.db
      .selectFrom('verification')
      .selectAll()
      .where('id', '=', res.json().verificationId)
      .executeTakeFirstOrThrow();
    expect(row.code_hash).not.toContain(code);
    expect(row.salt).toHaveLength(32);
    const check = await t.call({
      method: 'POST',
      url: '/v1/verifications/check',
      payload: { phone: '+79165550101', otp: code },
    });
    expect(check.json()).toEqual({ valid: true, status: 'ok' });
  });

  it('rate-limits sends per phone: one per 30 seconds (429 rate_limited with Retry-After)', async () => {
    const first = await t.call({
      method: 'POST',
      url: '/v1/verifications',
      payload: { phone: '+79165550202' },
    });
    expect(first.statusCode).toBe(202);
    t.clock.now = at(10_000);
    const again = await t.call({
      method: 'POST',
      url: '/v1/verifications',
      payload: { phone: '8 916 555 02 02' },
    });
    expect(again.statusCode).toBe(429);
    expect(again.json().error).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: 20 } });
    expect(again.headers['retry-after']).toBe('20');
    const other = await t.call({
      method: 'POST',
      url: '/v1/verifications',
      payload: { phone: '+79165550203' },
    });
    expect(other.statusCode).toBe(202);
    t.clock.now = at(31_000);
    const later = await t.call({
      method: 'POST',
      url: '/v1/verifications',
      payload: { phone: '+79165550202' },
    });
    expect(later.statusCode).toBe(202);
    t.clock.now = T0;
  });

  it('rejects a bad phone with 400 validation_failed', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/verifications', payload: { phone: '12-34' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('body.phone');
    const missing = await t.call({ method: 'POST', url: '/v1/verifications', payload: {} });
    expect(missing.json().error.details[0].field).toBe('body.phone');
  });

  it('accepts a code repeatedly within 5 minutes, then reports it expired', async () => {
    const sender = capturingSender();
    const phone = '+79165550303';
    await sendVerification(t.db, { tenantId: t.tenant.tenantId, phone, now: T0, sender });
    const code = sender.sent[0]!.code;
    expect(await verifyOtp(t.db, t.tenant.tenantId, phone, code, at(1_000))).toBe('ok');
    expect(await verifyOtp(t.db, t.tenant.tenantId, phone, code, at(60_000))).toBe('ok');
    expect(await verifyOtp(t.db, t.tenant.tenantId, phone, code, at(5 * 60_000))).toBe('expired');
    expect(await verifyOtp(t.db, t.tenant.tenantId, '+79165550399', code, at(1_000))).toBe('none');
  });

  it('locks a code after 5 wrong attempts, even for the right code afterwards', async () => {
    const sender = capturingSender();
    const phone = '+79165550404';
    await sendVerification(t.db, { tenantId: t.tenant.tenantId, phone, now: T0, sender });
    const code = sender.sent[0]!.code;
    const wrong = code === '000000' ? '111111' : '000000';
    const results = [];
    for (let i = 0; i < 5; i++)
      results.push(await verifyOtp(t.db, t.tenant.tenantId, phone, wrong, at(1_000)));
    expect(results).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'locked']);
    expect(await verifyOtp(t.db, t.tenant.tenantId, phone, code, at(2_000))).toBe('locked');
  });

  it('counts only the latest code of a phone', async () => {
    const sender = capturingSender();
    const phone = '+79165550505';
    await sendVerification(t.db, { tenantId: t.tenant.tenantId, phone, now: T0, sender });
    await sendVerification(t.db, { tenantId: t.tenant.tenantId, phone, now: at(31_000), sender });
    const [old, latest] = sender.sent.map((m) => m.code);
    if (old !== latest)
      expect(await verifyOtp(t.db, t.tenant.tenantId, phone, old!, at(32_000))).toBe('invalid');
    expect(await verifyOtp(t.db, t.tenant.tenantId, phone, latest!, at(32_000))).toBe('ok');
  });

  it('does not keep a code whose SMS failed, so the member can ask again at once', async () => {
    const failing: SmsSender = {
      name: 'down',
      send: async () => {
        throw new Error('provider down');
      },
    };
    const phone = '+79165550606';
    await expect(
      sendVerification(t.db, { tenantId: t.tenant.tenantId, phone, now: T0, sender: failing }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    await expect(
      sendVerification(t.db, {
        tenantId: t.tenant.tenantId,
        phone,
        now: at(1_000),
        sender: capturingSender(),
      }),
    ).resolves.toMatchObject({ verificationId: expect.any(String) });
  });

  it('purges codes a day after they expire', async () => {
    const sender = capturingSender();
    await sendVerification(t.db, { tenantId: t.tenant.tenantId, phone: '+79165550707', now: T0, sender });
    const count = async () =>
      (await t.db.selectFrom('verification').select('id').where('phone', '=', '+79165550707').execute())
        .length;
    await t.call({
      method: 'POST',
      url: '/v1/admin/jobs/run',
      payload: { at: at(60 * 60_000).toISOString() },
    });
    expect(await count()).toBe(1);
    const ran = await t.call({
      method: 'POST',
      url: '/v1/admin/jobs/run',
      payload: { at: at(26 * 60 * 60_000).toISOString() },
    });
    expect(ran.json().ran).toContainEqual({ job: 'verifications.purge', processed: expect.any(Number) });
    expect(await count()).toBe(0);
  });
});
