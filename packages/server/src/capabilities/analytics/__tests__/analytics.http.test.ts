import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, seedTenant, type TestApp } from '../../../testing/test-app';

const T0 = new Date('2026-11-20T09:00:00Z'); // a Friday; Moscow is UTC+3

describeEachEngine('Analytics dashboard', (engine) => {
  let t: TestApp;
  let seq = 0;
  const at = (iso: string) => {
    t.clock.now = new Date(iso);
  };
  const member = async (phone: string) => {
    const res = await t.call({ method: 'POST', url: '/v1/members', payload: { phone } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().memberId as string;
  };
  const confirm = async (memberId: string | null, amountMinor: number, pointsToSpend = 0) => {
    const receiptId = `r-${seq++}`;
    const res = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: {
        receiptId,
        ...(memberId ? { member: { memberId } } : {}),
        lines: [
          { lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 1, amountMinor },
          { lineId: '2', sku: 'CAKE', category: 'food', quantity: 1, amountMinor },
        ],
        pointsToSpend,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return receiptId;
  };
  const dashboard = async (query: string, key?: string) =>
    t.call({ method: 'GET', url: `/v1/analytics/dashboard${query}`, ...(key ? { key } : {}) });

  beforeAll(async () => {
    t = await createTestApp(engine, { now: T0 });
    // 5 % back, 1 point = 1 RUB, at most 50 % of a receipt in points.
    const patch = await t.call({
      method: 'PATCH',
      url: '/v1/program',
      payload: { earn: { pointsPerUnit: '0.05', expiryDays: 365 }, burn: { maxPercentOfReceipt: 50 } },
    });
    expect(patch.statusCode, patch.body).toBe(200);

    at('2026-11-20T09:00:00Z');
    const anna = await member('+79160000001');
    const boris = await member('+79160000002');
    const adj = await t.call({
      method: 'POST',
      url: `/v1/members/${anna}/adjustments`,
      headers: { 'idempotency-key': 'welcome-anna' },
      payload: { points: 300, reason: 'welcome' },
    });
    expect(adj.statusCode, adj.body).toBe(201);
    // Anna: 2 × 500 RUB, earns 5 % of 1000 RUB = 50 points.
    await confirm(anna, 50_000);
    at('2026-11-21T10:00:00Z');
    // Anna pays 200 points of 800 RUB (2 × 400): paid 600 RUB, earns 30 points.
    const paidWithPoints = await confirm(anna, 40_000, 200);
    // Boris: 2 × 100 RUB, earns 10; refund line 2 (100 RUB): revokes 5.
    const borisReceipt = await confirm(boris, 10_000);
    const refund = await t.call({
      method: 'POST',
      url: `/v1/receipts/${borisReceipt}/refund`,
      payload: { refundId: 'rf-1', lines: [{ lineId: '2', quantity: 1 }] },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    // Refund line 1 of Anna's points receipt: 100 points come back, 15 earned points go.
    const refund2 = await t.call({
      method: 'POST',
      url: `/v1/receipts/${paidWithPoints}/refund`,
      payload: { refundId: 'rf-2', lines: [{ lineId: '1', quantity: 1 }] },
    });
    expect(refund2.statusCode, refund2.body).toBe(201);
    // Two anonymous receipts: 2 × 150 and 2 × 250 RUB; one cancelled receipt does not count.
    await confirm(null, 15_000);
    await confirm(null, 25_000);
    const cancelled = await confirm(null, 99_900);
    expect((await t.call({ method: 'POST', url: `/v1/receipts/${cancelled}/cancel` })).statusCode).toBe(200);
    // A member who never bought anything, outside the period.
    at('2026-10-01T10:00:00Z');
    await member('+79160000003');
    at('2026-11-22T12:00:00Z');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts members, receipts, revenue and points for the period, with a per-day series', async () => {
    const res = await dashboard('?from=2026-11-19T21:00:00.000Z&to=2026-11-22T21:00:00.000Z');
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d).toMatchObject({
      timezone: 'Europe/Moscow',
      currency: 'RUB',
      pointValueMinor: 100,
      members: { total: 3, newInPeriod: 2, active30: 2, active90: 2 },
      receipts: {
        // Anna 1000 + (600 − 300 refunded) RUB; Boris 200 − 100 RUB.
        members: { receipts: 3, revenueMinor: 100_000 + 30_000 + 10_000, avgCheckMinor: 46_667 },
        anonymous: { receipts: 2, revenueMinor: 80_000, avgCheckMinor: 40_000 },
      },
      // Earned 50 + 30 + 10, revoked 5 + 15; spent 200, returned 100.
      points: { issued: 70, spent: 100, expired: 0, adjusted: 300 },
    });
    // Outstanding: Anna 300 + 50 − 200 + 30 + 100 − 15 = 265, Boris 10 − 5 = 5.
    expect(d.points.outstanding).toBe(270);
    expect(d.points.pending).toBe(0);
    expect(d.points.liabilityMinor).toBe(27_000);
    expect(d.series.map((s: { date: string }) => s.date)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(d.series[0]).toMatchObject({
      receiptsMembers: 1,
      receiptsAnonymous: 0,
      revenueMembersMinor: 100_000,
      newMembers: 2,
      pointsIssued: 50,
      pointsSpent: 0,
    });
    expect(d.series[1]).toMatchObject({
      receiptsMembers: 2,
      receiptsAnonymous: 2,
      revenueMembersMinor: 40_000,
      revenueAnonymousMinor: 80_000,
      newMembers: 0,
      pointsIssued: 20,
      pointsSpent: 100,
    });
    expect(d.series[2]).toMatchObject({ receiptsMembers: 0, revenueMembersMinor: 0, pointsIssued: 0 });
  });

  it('defaults to the 30 days before now and rejects empty or too long periods', async () => {
    const res = await dashboard('');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ to: '2026-11-22T12:00:00.000Z', from: '2026-10-23T12:00:00.000Z' });
    expect(res.json().series).toHaveLength(31);
    const empty = await dashboard('?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('validation_failed');
    const long = await dashboard('?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(long.statusCode).toBe(400);
  });

  it('is tenant-scoped and needs analytics:read', async () => {
    const other = await seedTenant(t.db);
    const res = await dashboard('?from=2026-11-19T21:00:00.000Z&to=2026-11-22T21:00:00.000Z', other.apiKey);
    expect(res.statusCode).toBe(200);
    expect(res.json().members.total).toBe(0);
    expect(res.json().receipts.members.receipts).toBe(0);
    const created = await t.call({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'till', scopes: ['receipts:write'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const denied = await dashboard('', created.json().key);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('forbidden');
  });

  it('counts a merged duplicate as its survivor: one member, one new member, one active buyer', async () => {
    const period = '?from=2026-11-19T21:00:00.000Z&to=2026-11-22T21:00:00.000Z';
    const figures = async () => {
      const d = (await dashboard(period)).json();
      return { members: d.members, receipts: d.receipts.members, newToday: d.series[2].newMembers };
    };
    const before = await figures();
    at('2026-11-22T13:00:00Z');
    const dana = await member('+79160000004');
    const danaAgain = await member('+79160000005');
    await confirm(danaAgain, 30_000);
    const withDuplicate = await figures();
    expect(withDuplicate.members).toEqual({
      total: before.members.total + 2,
      newInPeriod: before.members.newInPeriod + 2,
      active30: before.members.active30 + 1,
      active90: before.members.active90 + 1,
    });
    const merged = await t.call({
      method: 'POST',
      url: `/v1/members/${dana}/merge`,
      payload: { duplicateMemberId: danaAgain },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(await figures()).toEqual({
      members: {
        total: before.members.total + 1,
        newInPeriod: before.members.newInPeriod + 1,
        active30: before.members.active30 + 1,
        active90: before.members.active90 + 1,
      },
      // The duplicate's receipt is the survivor's now: the members' group is unchanged.
      receipts: withDuplicate.receipts,
      newToday: before.newToday + 1,
    });
  });
});
