import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, seedTenant, type TestApp } from '../../../testing/test-app';
import type { SmsMessage } from '../../verifications/sms-sender';
import { sendVerification } from '../../verifications/verifications.service';
import { resolveMemberRef } from '../members.service';

const T0 = new Date('2026-11-22T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describeEachEngine('resolveMemberRef', (engine) => {
  let t: TestApp;
  let member: { memberId: string; cardNumber: string };
  beforeAll(async () => {
    t = await createTestApp(engine, { now: T0 });
    member = (
      await t.call({ method: 'POST', url: '/v1/members', payload: { phone: '+79180000001' } })
    ).json();
  });
  afterAll(async () => {
    await t?.close();
  });
  const resolve = (ref: Parameters<typeof resolveMemberRef>[2], now = T0, tenantId = t.tenant.tenantId) =>
    resolveMemberRef(t.db, tenantId, ref, now);

  it('resolves by member id and by card, and 404s for unknown ones', async () => {
    expect(await resolve({ memberId: member.memberId })).toEqual({
      memberId: member.memberId,
      status: 'active',
      identifiedBy: 'memberId',
    });
    expect(await resolve({ cardNumber: member.cardNumber })).toMatchObject({ identifiedBy: 'card' });
    await expect(resolve({ memberId: 'mbr_unknown' })).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    await expect(resolve({ cardNumber: '1234567' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('resolves by phone alone (earning) and with a valid code (spending)', async () => {
    expect(await resolve({ phone: '8 918 000 00 01' })).toMatchObject({
      memberId: member.memberId,
      identifiedBy: 'phone',
      verification: 'none',
    });
    const sent: SmsMessage[] = [];
    await sendVerification(t.db, {
      tenantId: t.tenant.tenantId,
      phone: '+79180000001',
      now: T0,
      sender: { name: 'test', send: async (m) => void sent.push(m) },
    });
    const code = sent[0]!.code;
    const wrong = code === '999999' ? '000000' : '999999';
    expect(await resolve({ phone: '+79180000001', otp: wrong }, at(1000))).toMatchObject({
      identifiedBy: 'phone',
      verification: 'invalid',
    });
    // calculate, then confirm: the same code passes twice within its 5 minutes
    expect(await resolve({ phone: '+79180000001', otp: code }, at(2000))).toMatchObject({
      identifiedBy: 'phone_otp',
      verification: 'ok',
    });
    expect(await resolve({ phone: '+7 918 000-00-01', otp: code }, at(3000))).toMatchObject({
      identifiedBy: 'phone_otp',
    });
    await expect(resolve({ phone: '+79180000099' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(resolve({ phone: 'abc' })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('resolves a fresh QR token, accepts the previous window, refuses stale or tampered ones', async () => {
    t.clock.now = T0;
    const res = await t.call({ method: 'GET', url: `/v1/members/${member.memberId}/qr-token` });
    expect(res.statusCode).toBe(200);
    const { qrToken, expiresAt } = res.json();
    expect(qrToken).not.toContain(member.memberId);
    expect(new Date(expiresAt).getTime() - T0.getTime()).toBeLessThanOrEqual(60_000);
    expect(await resolve({ qrToken }, at(1000))).toMatchObject({
      memberId: member.memberId,
      identifiedBy: 'qr',
    });
    expect(await resolve({ qrToken }, at(45_000))).toMatchObject({ memberId: member.memberId });
    await expect(resolve({ qrToken }, new Date(expiresAt))).rejects.toMatchObject({ code: 'not_found' });
    await expect(resolve({ qrToken }, at(10 * 60_000))).rejects.toThrow(/expired/);
    const tampered = qrToken.slice(0, -1) + (qrToken.endsWith('A') ? 'B' : 'A');
    await expect(resolve({ qrToken: tampered }, at(1000))).rejects.toMatchObject({ code: 'not_found' });
    await expect(resolve({ qrToken: 'garbage' }, at(1000))).rejects.toMatchObject({ code: 'not_found' });
    // The same token means nothing in another tenant.
    const b = await seedTenant(t.db);
    await expect(resolve({ qrToken }, at(1000), b.tenantId)).rejects.toMatchObject({ code: 'not_found' });
    // The next token of the same member differs once the window moves on.
    t.clock.now = at(60_000);
    const later = (await t.call({ method: 'GET', url: `/v1/members/${member.memberId}/qr-token` })).json();
    expect(later.qrToken).not.toBe(qrToken);
    t.clock.now = T0;
  });

  it('keeps references within the tenant', async () => {
    const b = await seedTenant(t.db);
    await expect(resolve({ memberId: member.memberId }, T0, b.tenantId)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(resolve({ cardNumber: member.cardNumber }, T0, b.tenantId)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(resolve({ phone: '+79180000001' }, T0, b.tenantId)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('reports the status of blocked members so receipts can refuse them', async () => {
    await t.call({ method: 'POST', url: `/v1/members/${member.memberId}/block` });
    expect(await resolve({ memberId: member.memberId })).toMatchObject({ status: 'blocked' });
    await t.call({ method: 'POST', url: `/v1/members/${member.memberId}/unblock` });
  });
});
