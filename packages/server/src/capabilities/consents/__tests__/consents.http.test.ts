import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { hasMarketingConsent } from '../consents.service';

describeEachEngine('Consents API', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records grants and withdrawals per channel and purpose, keeping the history', async () => {
    const m = (
      await t.call({
        method: 'POST',
        url: '/v1/members',
        payload: {
          phone: '+79170000001',
          consents: [
            { channel: 'email', purpose: 'marketing', granted: true },
            { purpose: 'personal_data', granted: true, textVersion: 'pd-2026-01', source: 'till' },
          ],
        },
      })
    ).json();
    expect(m.consents).toHaveLength(2);
    expect(await hasMarketingConsent(t.db, t.tenant.tenantId, m.memberId, 'email')).toBe(true);
    expect(await hasMarketingConsent(t.db, t.tenant.tenantId, m.memberId, 'sms')).toBe(false);

    t.clock.now = new Date('2026-11-23T10:00:00Z');
    const withdraw = await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/consents`,
      payload: {
        channel: 'email',
        purpose: 'marketing',
        granted: false,
        source: 'web',
        textVersion: 'mk-2026-02',
        evidence: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
      },
    });
    expect(withdraw.statusCode).toBe(201);
    expect(withdraw.json()).toEqual({
      channel: 'email',
      purpose: 'marketing',
      granted: false,
      textVersion: 'mk-2026-02',
      source: 'web',
      updatedAt: '2026-11-23T10:00:00.000Z',
    });
    expect(await hasMarketingConsent(t.db, t.tenant.tenantId, m.memberId, 'email')).toBe(false);

    const current = (await t.call({ method: 'GET', url: `/v1/members/${m.memberId}/consents` })).json();
    expect(current.items.map((c: { channel: string; granted: boolean }) => [c.channel, c.granted])).toEqual([
      ['email', false],
      ['any', true],
    ]);
    const history = (
      await t.call({ method: 'GET', url: `/v1/members/${m.memberId}/consents/history?limit=2` })
    ).json();
    expect(history.items.map((e: { granted: boolean; source: string }) => [e.granted, e.source])).toEqual([
      [false, 'web'],
      [true, 'till'],
    ]);
    const rest = (
      await t.call({
        method: 'GET',
        url: `/v1/members/${m.memberId}/consents/history?cursor=${history.nextCursor}`,
      })
    ).json();
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    t.clock.now = new Date('2026-11-22T10:00:00Z');
  });

  it('requires a channel for marketing and none for personal data', async () => {
    const m = (
      await t.call({ method: 'POST', url: '/v1/members', payload: { phone: '+79170000002' } })
    ).json();
    const noChannel = await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/consents`,
      payload: { purpose: 'marketing', granted: true },
    });
    expect(noChannel.statusCode).toBe(400);
    expect(noChannel.json().error.details[0].field).toBe('body.channel');
    const pdChannel = await t.call({
      method: 'POST',
      url: '/v1/members',
      payload: {
        phone: '+79170000003',
        consents: [{ channel: 'sms', purpose: 'personal_data', granted: true }],
      },
    });
    expect(pdChannel.statusCode).toBe(400);
    expect(pdChannel.json().error.details[0].field).toBe('body.consents.0.channel');
    const badPurpose = await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/consents`,
      payload: { channel: 'sms', purpose: 'spam', granted: true },
    });
    expect(badPurpose.statusCode).toBe(400);
    const unknown = await t.call({
      method: 'POST',
      url: '/v1/members/mbr_nobody/consents',
      payload: { channel: 'sms', purpose: 'marketing', granted: true },
    });
    expect(unknown.statusCode).toBe(404);
  });
});
