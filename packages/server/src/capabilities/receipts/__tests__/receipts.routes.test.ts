import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { adjust, balanceOf, createMember, latte, uid, verifyOk } from './receipts-fixtures';

describeEachEngine('receipts API (contract examples)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:20:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('calculates the contract example without writing anything', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 120);
    const body = {
      ...latte(memberId),
      occurredAt: '2026-11-22T10:15:00Z',
      storeId: 'moscow-01',
      terminalId: 'till-3',
      coupons: [],
      pointsToSpend: 0,
    };
    const res = await t.call({ method: 'POST', url: '/v1/receipts/calculate', payload: body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      receiptId: body.receiptId,
      status: 'calculated',
      memberId,
      totals: {
        amountMinor: 40000,
        discountMinor: 0,
        pointsSpent: 0,
        pointsSpentMinor: 0,
        payableMinor: 40000,
        pointsEarned: 20,
        maxPointsToSpend: 120,
      },
      lines: [
        {
          lineId: '1',
          amountMinor: 40000,
          discountMinor: 0,
          pointsSpent: 0,
          pointsSpentMinor: 0,
          payableMinor: 40000,
          pointsEarned: 20,
        },
      ],
      balance: { available: 120, pending: 0 },
    });
    expect((await t.call({ method: 'GET', url: `/v1/receipts/${body.receiptId}` })).statusCode).toBe(404);
    expect(await balanceOf(t, memberId)).toMatchObject({ available: 120 });
  });

  it('calculate clamps pointsToSpend to the cap and reports it', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 1000);
    const res = await t.call({
      method: 'POST',
      url: '/v1/receipts/calculate',
      payload: { ...latte(memberId), pointsToSpend: 500 },
    });
    // 30 % of 400.00 RUB = 120 points at 1 RUB each
    expect(res.json().totals).toMatchObject({
      maxPointsToSpend: 120,
      pointsSpent: 120,
      pointsSpentMinor: 12000,
      payableMinor: 28000,
      pointsEarned: 14,
    });
  });

  it('confirms exactly, replays identically, and rejects a different body for the same receiptId', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 150);
    const body = { ...latte(memberId), pointsToSpend: 100 };
    const first = await t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: body });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      status: 'confirmed',
      totals: { pointsSpent: 100, pointsSpentMinor: 10000, payableMinor: 30000, pointsEarned: 15 },
      balance: { available: 65, pending: 0 },
    });
    const replay = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { ...body, lines: body.lines.map((l) => ({ ...l })) },
    });
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(first.json());
    const changed = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { ...body, pointsToSpend: 10 },
    });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('idempotency_key_reused');
    expect(await balanceOf(t, memberId)).toMatchObject({ available: 65 });
    await verifyOk(t);
  });

  it('422 insufficient_points and points_limit_exceeded, then a corrected retry with the same receiptId succeeds', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 50);
    const body = latte(memberId, { pointsToSpend: 60 });
    const tooMuch = await t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: body });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error.code).toBe('insufficient_points');
    await adjust(t, memberId, 1000);
    const overCap = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { ...body, pointsToSpend: 121 },
    });
    expect(overCap.statusCode).toBe(422);
    expect(overCap.json().error).toMatchObject({
      code: 'points_limit_exceeded',
      details: { maxPointsToSpend: 120 },
    });
    const ok = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { ...body, pointsToSpend: 120 },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('refunds per line and quantity: returns points to their lots, revokes earned points, adds up exactly', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 100);
    const body = {
      receiptId: uid('rcp'),
      member: { memberId },
      pointsToSpend: 90,
      lines: [
        { lineId: 'a', sku: 'LATTE', category: 'coffee', quantity: 3, amountMinor: 30000 },
        { lineId: 'b', sku: 'CAKE', category: 'food', quantity: 1, amountMinor: 33333 },
      ],
    };
    const confirmed = (await t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: body })).json();
    const before = await balanceOf(t, memberId);
    const r1 = await t.call({
      method: 'POST',
      url: `/v1/receipts/${body.receiptId}/refund`,
      payload: { refundId: uid('rf'), lines: [{ lineId: 'a', quantity: 1 }] },
    });
    expect(r1.statusCode, r1.body).toBe(201);
    const r2 = await t.call({
      method: 'POST',
      url: `/v1/receipts/${body.receiptId}/refund`,
      payload: { refundId: uid('rf'), lines: [{ lineId: 'a', quantity: 2 }] },
    });
    const r3 = await t.call({
      method: 'POST',
      url: `/v1/receipts/${body.receiptId}/refund`,
      payload: { refundId: uid('rf') },
    });
    const parts = [r1.json(), r2.json(), r3.json()];
    expect(parts.reduce((s, p) => s + p.amountMinor, 0)).toBe(confirmed.totals.payableMinor);
    expect(parts.reduce((s, p) => s + p.pointsReturned, 0)).toBe(confirmed.totals.pointsSpent);
    expect(parts.reduce((s, p) => s + p.pointsRevoked, 0)).toBe(confirmed.totals.pointsEarned);
    expect(r3.json().status).toBe('refunded');
    const after = await balanceOf(t, memberId);
    expect(after.available).toBe(
      before.available + confirmed.totals.pointsSpent - confirmed.totals.pointsEarned,
    );
    expect(after.available).toBe(100);
    const more = await t.call({
      method: 'POST',
      url: `/v1/receipts/${body.receiptId}/refund`,
      payload: { refundId: uid('rf'), lines: [{ lineId: 'a', quantity: 1 }] },
    });
    expect(more.statusCode).toBe(422);
    expect(more.json().error.code).toBe('refund_exceeds_receipt');
    const stored = (await t.call({ method: 'GET', url: `/v1/receipts/${body.receiptId}` })).json();
    expect(stored.status).toBe('refunded');
    expect(stored.refunds).toHaveLength(3);
    // replaying the confirm after refunds returns the original response
    const replay = await t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: body });
    expect(replay.json()).toEqual(confirmed);
    await verifyOk(t);
  });

  it('refund is idempotent by refundId; cancel reverses the rest and is idempotent; cancelled receipts refuse refunds', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 100);
    const body = latte(memberId, { pointsToSpend: 50 });
    await t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: body });
    const refund = { refundId: uid('rf'), lines: [{ lineId: '1', quantity: 1 }] };
    const a = await t.call({ method: 'POST', url: `/v1/receipts/${body.receiptId}/refund`, payload: refund });
    const b = await t.call({ method: 'POST', url: `/v1/receipts/${body.receiptId}/refund`, payload: refund });
    expect(b.json()).toEqual(a.json());
    const c1 = await t.call({ method: 'POST', url: `/v1/receipts/${body.receiptId}/cancel` });
    const c2 = await t.call({ method: 'POST', url: `/v1/receipts/${body.receiptId}/cancel` });
    expect(c1.statusCode).toBe(200);
    expect(c2.json()).toEqual(c1.json());
    expect(c1.json().status).toBe('cancelled');
    expect((await balanceOf(t, memberId)).available).toBe(100);
    const late = await t.call({
      method: 'POST',
      url: `/v1/receipts/${body.receiptId}/refund`,
      payload: { refundId: uid('rf') },
    });
    expect(late.statusCode).toBe(422);
    expect(late.json().error.code).toBe('receipt_cancelled');
    await verifyOk(t);
  });

  it('anonymous receipts are stored and earn nothing; unknown members are 404', async () => {
    const anon = latte(null);
    const res = await t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: anon });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      memberId: null,
      totals: { pointsEarned: 0, payableMinor: 40000 },
      balance: null,
    });
    const unknown = await t.call({
      method: 'POST',
      url: '/v1/receipts/calculate',
      payload: latte('mbr_nope'),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    const listed = (await t.call({ method: 'GET', url: '/v1/receipts?limit=500' })).json();
    expect(listed.items.some((r: { receiptId: string }) => r.receiptId === anon.receiptId)).toBe(true);
  });

  it('members found by phone earn, but spending needs a one-time code', async () => {
    const phone = '+79161112233';
    const memberId = await createMember(t, { phone: '8 916 111 22 33' });
    await adjust(t, memberId, 100);
    const earn = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { ...latte(null), member: { phone: '+7 (916) 111-22-33' } },
    });
    expect(earn.statusCode, earn.body).toBe(201);
    expect(earn.json().memberId).toBe(memberId);
    const spend = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { ...latte(null), member: { phone }, pointsToSpend: 10 },
    });
    expect(spend.statusCode).toBe(403);
    expect(spend.json().error.code).toBe('verification_required');
  });

  it('occurredAt in the future or beyond the offline window is 422 occurred_at_out_of_range', async () => {
    const future = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: latte(null, { occurredAt: '2026-11-22T10:30:00Z' }),
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().error.code).toBe('occurred_at_out_of_range');
    const old = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: latte(null, { occurredAt: '2026-10-01T00:00:00Z' }),
    });
    expect(old.json().error.code).toBe('occurred_at_out_of_range');
    const offline = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: latte(null, { occurredAt: '2026-11-01T00:00:00Z' }),
    });
    expect(offline.statusCode).toBe(201);
  });

  it('calculate with reservePoints holds the points for the confirm of that receipt only', async () => {
    const memberId = await createMember(t);
    await adjust(t, memberId, 100);
    const held = latte(memberId, { pointsToSpend: 80, reservePoints: true });
    const calc = await t.call({ method: 'POST', url: '/v1/receipts/calculate', payload: held });
    expect(calc.statusCode, calc.body).toBe(200);
    expect(calc.json().hold).toMatchObject({ points: 80 });
    // another receipt cannot take the reserved points
    const other = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: latte(memberId, { pointsToSpend: 30 }),
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('insufficient_points');
    // recalculating the same receipt replaces its hold instead of stacking
    expect(
      (await t.call({ method: 'POST', url: '/v1/receipts/calculate', payload: held })).json().hold.points,
    ).toBe(80);
    const confirmed = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { ...held, reservePoints: undefined },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    expect(confirmed.json().totals.pointsSpent).toBe(80);
    const left = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: latte(memberId, { pointsToSpend: 20 }),
    });
    expect(left.statusCode).toBe(201);
    // a hold lapses by itself after its TTL
    const m2 = await createMember(t);
    await adjust(t, m2, 50);
    await t.call({
      method: 'POST',
      url: '/v1/receipts/calculate',
      payload: latte(m2, { pointsToSpend: 50, reservePoints: true }),
    });
    expect(
      (
        await t.call({
          method: 'POST',
          url: '/v1/receipts/confirm',
          payload: latte(m2, { pointsToSpend: 10 }),
        })
      ).statusCode,
    ).toBe(422);
    t.clock.now = new Date(t.clock.now.getTime() + 6 * 60_000);
    expect(
      (
        await t.call({
          method: 'POST',
          url: '/v1/receipts/confirm',
          payload: latte(m2, { pointsToSpend: 10 }),
        })
      ).statusCode,
    ).toBe(201);
    t.clock.now = new Date('2026-11-22T10:20:00Z');
    await verifyOk(t);
  });

  it('bad input is 400 validation_failed listing fields', async () => {
    const res = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: {
        receiptId: 'bad id!',
        lines: [
          { lineId: '1', quantity: 0, amountMinor: -5 },
          { lineId: '1', quantity: '1.2345', amountMinor: 1.5 },
        ],
        pointsToSpend: '10',
      },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.receiptId', 'body.lines.0.amountMinor', 'body.pointsToSpend']),
    );
    const dup = await t.call({
      method: 'POST',
      url: '/v1/receipts/calculate',
      payload: {
        receiptId: 'x',
        lines: [
          { lineId: '1', quantity: 1, amountMinor: 1 },
          { lineId: '1', quantity: 1, amountMinor: 1 },
        ],
      },
    });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.details[0].field).toMatch(/^body\.lines\.1/);
  });
});
