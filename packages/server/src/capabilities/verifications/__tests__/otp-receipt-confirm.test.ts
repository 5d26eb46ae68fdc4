import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import type { SmsMessage, SmsSender } from '../sms-sender';
import { sendVerification, verifyOtp } from '../verifications.service';

// A till spending points for a member found by phone must send the one-time code. A wrong code
// makes the confirm fail (403), and the failing confirm's transaction rolls back: the attempt must
// have been counted outside it, or a till could guess all 10^6 codes.

const T0 = new Date('2026-11-22T10:00:00Z');

function capturingSender(): SmsSender & { sent: SmsMessage[] } {
  const sent: SmsMessage[] = [];
  return { name: 'test', sent, send: async (m) => void sent.push(m) };
}

let seq = 0;

describeEachEngine('One-time codes through receipt confirm', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: T0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function memberWithPoints(phone: string) {
    const created = await t.call({ method: 'POST', url: '/v1/members', payload: { phone } });
    expect(created.statusCode, created.body).toBe(201);
    const memberId = created.json().memberId as string;
    const adjusted = await t.call({
      method: 'POST',
      url: `/v1/members/${memberId}/adjustments`,
      headers: { 'idempotency-key': `otp-test-${memberId}` },
      payload: { points: 500, reason: 'test' },
    });
    expect(adjusted.statusCode, adjusted.body).toBe(201);
    const sender = capturingSender();
    await sendVerification(t.db, { tenantId: t.tenant.tenantId, phone, now: T0, sender });
    return { memberId, code: sender.sent[0]!.code };
  }

  const spend = (phone: string, otp: string, pointsToSpend = 10) =>
    t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: {
        receiptId: `otp-${seq++}`,
        member: { phone, otp },
        pointsToSpend,
        lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 1, amountMinor: 40000 }],
      },
    });

  const wrongCodes = (code: string, n: number) =>
    Array.from({ length: n }, (_, i) => String((Number(code) + 1 + i * 7919) % 1_000_000).padStart(6, '0'));

  const row = (phone: string) =>
    t.db
      .selectFrom('verification')
      .select(['attempts', 'locked_at'])
      .where('tenant_id', '=', t.tenant.tenantId)
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();

  it('6 wrong codes through confirm lock the code; the right code is refused afterwards', async () => {
    const phone = '+79167770001';
    const { memberId, code } = await memberWithPoints(phone);
    for (const [i, wrong] of wrongCodes(code, 6).entries()) {
      const res = await spend(phone, wrong);
      expect(res.statusCode, `attempt ${i + 1}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('verification_required');
    }
    const stored = await row(phone);
    expect(stored.attempts).toBe(5);
    expect(stored.locked_at).not.toBeNull();
    const right = await spend(phone, code);
    expect(right.statusCode).toBe(403);
    expect(right.json().error.code).toBe('verification_required');
    expect(await verifyOtp(t.db, t.tenant.tenantId, phone, code, T0)).toBe('locked');
    const balance = (await t.call({ method: 'GET', url: `/v1/members/${memberId}/balance` })).json();
    expect(balance.points.available).toBe(500);
  });

  it('a wrong code counts once per confirm, also when the confirm commits (earning only)', async () => {
    const phone = '+79167770002';
    const { code } = await memberWithPoints(phone);
    const [wrong] = wrongCodes(code, 1);
    const earn = await spend(phone, wrong!, 0);
    expect(earn.statusCode, earn.body).toBe(201);
    expect((await row(phone)).attempts).toBe(1);
    const failed = await spend(phone, wrong!);
    expect(failed.statusCode).toBe(403);
    expect((await row(phone)).attempts).toBe(2);
  });

  it('the right code still pays after fewer than 5 wrong ones', async () => {
    const phone = '+79167770003';
    const { code } = await memberWithPoints(phone);
    for (const wrong of wrongCodes(code, 4)) expect((await spend(phone, wrong)).statusCode).toBe(403);
    const paid = await spend(phone, code, 25);
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().totals.pointsSpent).toBe(25);
    expect((await row(phone)).attempts).toBe(4);
  });
});
