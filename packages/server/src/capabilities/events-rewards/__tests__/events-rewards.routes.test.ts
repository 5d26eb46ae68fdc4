import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { balanceOf, createMember, verifyOk } from '../../receipts/__tests__/receipts-fixtures';

describeEachEngine('event rewards', (engine) => {
  let t: TestApp;
  let seriesId = '';
  const event = (memberId: string, body: Record<string, unknown>) =>
    t.call({ method: 'POST', url: `/v1/members/${memberId}/events`, payload: body });
  const runJobs = async (at: string) => {
    t.clock.now = new Date(at);
    const res = await t.call({ method: 'POST', url: '/v1/admin/jobs/run', payload: { at } });
    expect(res.statusCode, res.body).toBe(200);
    const ran = res.json().ran as { job: string; processed: number }[];
    return Object.fromEntries(
      ran.filter((r) => r.job.startsWith('event-rewards.')).map((r) => [r.job, r.processed]),
    );
  };

  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-20T09:00:00Z') });
    const series = await t.call({
      method: 'POST',
      url: '/v1/coupon-series',
      payload: { name: 'Birthday gift', kind: 'personal', pattern: 'BDAY-XXXX-XXXX' },
    });
    seriesId = series.json().seriesId;
    const rules = await t.call({
      method: 'PUT',
      url: '/v1/event-rewards',
      payload: {
        rules: [
          { eventType: 'welcome', name: 'Welcome', points: 100 },
          {
            eventType: 'birthday',
            name: 'Happy birthday',
            points: 200,
            couponSeriesId: seriesId,
            couponValidity: 'end_of_month',
          },
          { eventType: 'review', name: 'Thanks for the review', points: 50, maxPerMember: 1, period: 'day' },
        ],
      },
    });
    expect(rules.statusCode, rules.body).toBe(200);
    expect(
      rules
        .json()
        .rules.map((r: { eventType: string; maxPerMember: number | null; period: string }) => [
          r.eventType,
          r.maxPerMember,
          r.period,
        ]),
    ).toEqual([
      ['welcome', 1, 'ever'],
      ['birthday', 1, 'year'],
      ['review', 1, 'day'],
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('rejects rules that cannot work', async () => {
    const res = await t.call({
      method: 'PUT',
      url: '/v1/event-rewards',
      payload: {
        rules: [
          { eventType: 'Review!', points: 10 },
          { eventType: 'survey', points: 0 },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      'body.rules.0.eventType',
      'body.rules.1.points',
    ]);
  });

  it('custom events: rewarded once per eventId, capped per period, recorded without a rule', async () => {
    const member = await createMember(t);
    const first = await event(member, { type: 'review', eventId: 'rev-1', attributes: { stars: 5 } });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      event: { type: 'review', outcome: 'rewarded', points: 50 },
      balance: { available: 50 },
    });
    const replay = await event(member, { type: 'review', eventId: 'rev-1' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().event.eventId).toBe(first.json().event.eventId);
    const second = await event(member, { type: 'review', eventId: 'rev-2' });
    expect(second.json().event).toMatchObject({ outcome: 'capped', points: 0 });
    t.clock.now = new Date(t.clock.now.getTime() + 86_400_000);
    expect((await event(member, { type: 'review', eventId: 'rev-3' })).json().event).toMatchObject({
      outcome: 'rewarded',
      points: 50,
    });
    expect((await event(member, { type: 'custom.quiz' })).json().event).toMatchObject({
      outcome: 'no_rule',
      points: 0,
    });
    expect((await balanceOf(t, member)).available).toBe(100);
    const list = await t.call({ method: 'GET', url: `/v1/members/${member}/events` });
    expect(list.json().items.map((e: { outcome: string }) => e.outcome)).toEqual([
      'no_rule',
      'rewarded',
      'capped',
      'rewarded',
    ]);
    expect((await event('mbr_nobody', { type: 'review' })).statusCode).toBe(404);
  });

  it('welcome and birthday rewards come from the scheduled jobs, once', async () => {
    t.clock.now = new Date('2026-12-01T08:00:00Z');
    const newcomer = await createMember(t);
    const birthday = await createMember(t, { birthDate: '1991-12-03' });
    // 3 December 00:30 in Moscow.
    const ran = await runJobs('2026-12-02T21:30:00Z');
    expect(ran['event-rewards.welcome']).toBeGreaterThanOrEqual(2);
    expect(ran['event-rewards.birthday']).toBe(1);
    expect((await balanceOf(t, newcomer)).available).toBe(100);
    expect((await balanceOf(t, birthday)).available).toBe(300);
    const coupons = (await t.call({ method: 'GET', url: `/v1/members/${birthday}/coupons` })).json().items;
    expect(coupons).toHaveLength(1);
    // Valid until the end of December in Moscow.
    expect(coupons[0]).toMatchObject({ seriesId, endsAt: '2026-12-31T21:00:00.000Z' });
    const again = await runJobs('2026-12-02T22:30:00Z');
    expect(again).toMatchObject({ 'event-rewards.welcome': 0, 'event-rewards.birthday': 0 });
    expect((await balanceOf(t, birthday)).available).toBe(300);
    await verifyOk(t);
  });
});
