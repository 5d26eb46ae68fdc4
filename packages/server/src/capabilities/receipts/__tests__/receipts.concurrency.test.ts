import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { adjust, balanceOf, createMember, uid, verifyOk } from './receipts-fixtures';

const bigLine = [{ lineId: '1', sku: 'BEANS', category: 'coffee', quantity: 1, amountMinor: 100000 }];

describeEachEngine('receipts under concurrency', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
    // Earned points wait 14 days, so a spend can only use the starting balance.
    const res = await t.call({ method: 'PATCH', url: '/v1/program', payload: { earn: { pendingDays: 14 } } });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('30 concurrent spends of 10 against 150: exactly 15 succeed, the rest 422 insufficient_points, balance ends at 0', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 150);
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        t.call({
          method: 'POST',
          url: '/v1/receipts/confirm',
          payload: { receiptId: uid('c'), member: { memberId }, lines: bigLine, pointsToSpend: 10 },
        }),
      ),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(15);
    expect(codes.filter((c) => c === 422)).toHaveLength(15);
    expect(
      responses
        .filter((r) => r.statusCode === 422)
        .every((r) => r.json().error.code === 'insufficient_points'),
    ).toBe(true);
    const balance = await balanceOf(t, memberId);
    expect(balance.available).toBe(0);
    expect(balance.pending).toBe(15 * 49); // 5 % of (1000 − 10) RUB paid in money, floored
    await verifyOk(t);
  });

  it('25 concurrent replays of one confirm: one effect, identical responses', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 100);
    const body = { receiptId: uid('r'), member: { memberId }, lines: bigLine, pointsToSpend: 30 };
    const responses = await Promise.all(
      Array.from({ length: 25 }, () =>
        t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: body }),
      ),
    );
    expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect((await balanceOf(t, memberId)).available).toBe(70);
    const receipts = (await t.call({ method: 'GET', url: `/v1/receipts?memberId=${memberId}` })).json();
    expect(receipts.items).toHaveLength(1);
  });

  it('25 concurrent replays of one adjustment: one effect', async () => {
    const memberId = await createMember(t);
    const key = uid('adj');
    const responses = await Promise.all(
      Array.from({ length: 25 }, () =>
        t.call({
          method: 'POST',
          url: `/v1/members/${memberId}/adjustments`,
          headers: { 'idempotency-key': key },
          payload: { points: 7, reason: 'goodwill' },
        }),
      ),
    );
    expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect((await balanceOf(t, memberId)).available).toBe(7);
    const other = await t.call({
      method: 'POST',
      url: `/v1/members/${memberId}/adjustments`,
      headers: { 'idempotency-key': key },
      payload: { points: 8, reason: 'goodwill' },
    });
    expect(other.statusCode).toBe(409);
    const missing = await t.call({
      method: 'POST',
      url: `/v1/members/${memberId}/adjustments`,
      payload: { points: 8, reason: 'goodwill' },
    });
    expect(missing.statusCode).toBe(400);
  });

  it('a shuffled, duplicated offline backlog is applied exactly once with the rules in force at occurredAt', async () => {
    const memberId = await createMember(t);
    // Rules change at 09:00 today: before it 5 %, after it 10 %.
    t.clock.now = new Date('2026-11-22T09:00:00Z');
    await t.call({
      method: 'PATCH',
      url: '/v1/program',
      payload: { earn: { pointsPerUnit: '0.1', pendingDays: 0 } },
    });
    t.clock.now = new Date('2026-11-22T10:00:00Z');
    const backlog = Array.from({ length: 20 }, (_, i) => ({
      receiptId: uid('off'),
      occurredAt: new Date(Date.parse('2026-11-21T09:00:00Z') + i * 3_600_000).toISOString(), // 20 hours, 09:00 → 04:00
      member: { memberId },
      lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 1, amountMinor: 20000 }],
    }));
    const sends = [...backlog, ...backlog, ...backlog.slice(0, 7)].sort(() => Math.random() - 0.5);
    for (let i = 0; i < sends.length; i += 9) {
      const batch = await Promise.all(
        sends.slice(i, i + 9).map((b) => t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: b })),
      );
      expect(batch.map((r) => r.statusCode).every((s) => s === 201)).toBe(true);
    }
    const receipts = (
      await t.call({ method: 'GET', url: `/v1/receipts?memberId=${memberId}&limit=100` })
    ).json();
    expect(receipts.items).toHaveLength(20);
    // The backlog spans 09:00 yesterday .. 04:00 today, all before the 09:00 change: 5 % of 200 RUB each.
    const earned = receipts.items.reduce((s: number, r: { pointsEarned: number }) => s + r.pointsEarned, 0);
    expect(earned).toBe(20 * 10);
    const fresh = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { ...backlog[0], receiptId: uid('now'), occurredAt: '2026-11-22T09:30:00Z' },
    });
    expect(fresh.json().totals.pointsEarned).toBe(20);
    await verifyOk(t);
  });
});
