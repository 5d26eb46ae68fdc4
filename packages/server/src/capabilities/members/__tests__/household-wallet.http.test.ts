import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { uid, verifyOk } from '../../receipts/__tests__/receipts-fixtures';
import { WALLET_PROGRAM, walletHelpers } from './wallet-fixtures';

// One wallet per household: joining brings the member's points (lots with their dates), and from
// then on every earn, spend, hold, refund and expiry of any member lands in the shared wallet.
describeEachEngine('household wallet pooling', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
    const res = await t.call({ method: 'PATCH', url: '/v1/program', payload: WALLET_PROGRAM });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  const { member, adjust, balance, confirm, household } = walletHelpers(() => t);

  it("a joining member's points move into the shared wallet with their dates; everyone sees one balance", async () => {
    const [owner, kid] = [await member(), await member()];
    await adjust(owner.memberId, 100);
    await adjust(kid.memberId, 40, '2027-01-31T00:00:00.000Z');
    const householdId = await household(owner.memberId, [kid.memberId]);

    for (const m of [owner, kid]) {
      const b = await balance(m.memberId);
      expect(b.householdId).toBe(householdId);
      expect(b.points.available).toBe(140);
      // The kid's lot kept its own expiry inside the shared wallet.
      expect(b.points.expiring[0]).toEqual({ points: 40, expiresAt: '2027-01-31T00:00:00.000Z' });
    }
    const kidHistory = (await t.call({ method: 'GET', url: `/v1/members/${kid.memberId}/history` })).json();
    const kinds = kidHistory.items.map((i: { kind: string; points: number }) => [i.kind, i.points]);
    expect(kinds).toContainEqual(['household_out', -40]);
    expect(kinds).toContainEqual(['household_in', 40]);

    // The kid's card earns and spends from the shared wallet.
    const bought = await confirm({ cardNumber: kid.cardNumber }, 100000, 30);
    expect(bought.statusCode, bought.body).toBe(201);
    expect(bought.json().memberId).toBe(kid.memberId);
    expect(bought.json().balance.available).toBe(140 - 30 + 48);
    expect((await balance(owner.memberId)).points.available).toBe(158);
    await verifyOk(t);
  });

  it('refunds, holds and expiry act on the shared wallet; a member who leaves starts empty', async () => {
    const [owner, kid] = [await member(), await member()];
    await adjust(kid.memberId, 60, '2026-12-01T00:00:00.000Z');
    // Bought before joining: spent 20 of the kid's points, earned 19 (5 % of 380 RUB paid).
    const before = await confirm({ memberId: kid.memberId }, 40000, 20);
    expect(before.statusCode, before.body).toBe(201);
    const householdId = await household(owner.memberId, [kid.memberId]);
    expect((await balance(owner.memberId)).points.available).toBe(59);

    // A reservation made through the kid sits on the shared wallet and its confirm consumes it.
    const receiptId = uid('hold');
    const line = [{ lineId: '1', sku: 'BEANS', category: 'coffee', quantity: 1, amountMinor: 20000 }];
    const calc = await t.call({
      method: 'POST',
      url: '/v1/receipts/calculate',
      payload: {
        receiptId,
        member: { memberId: kid.memberId },
        lines: line,
        pointsToSpend: 10,
        reservePoints: true,
      },
    });
    expect(calc.statusCode, calc.body).toBe(200);
    expect(calc.json().balance.available).toBe(59);
    const held = await confirm({ memberId: owner.memberId }, 100000, 55);
    expect(held.statusCode).toBe(422); // 10 of the 59 are reserved for the kid's receipt
    const done = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: { receiptId, member: { memberId: kid.memberId }, lines: line, pointsToSpend: 10 },
    });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json().balance.available).toBe(59 - 10 + 9);

    // Refunding the pre-join receipt returns its 20 points to the shared wallet (their lot) and
    // takes the 19 it earned from there.
    const refund = await t.call({
      method: 'POST',
      url: `/v1/receipts/${before.json().receiptId}/refund`,
      payload: { refundId: uid('rf') },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    expect(refund.json()).toMatchObject({ pointsReturned: 20, pointsRevoked: 19 });
    expect((await balance(owner.memberId)).points.available).toBe(58 + 20 - 19);

    // The kid leaves: the points stay with the household, the kid starts from zero.
    const left = await t.call({
      method: 'DELETE',
      url: `/v1/households/${householdId}/members/${kid.memberId}`,
    });
    expect(left.statusCode).toBe(200);
    expect(await balance(kid.memberId)).toMatchObject({ points: { available: 0 }, householdId: null });
    expect((await balance(owner.memberId)).points.available).toBe(59);
    const own = await confirm({ memberId: kid.memberId }, 20000);
    expect(own.json().balance.available).toBe(10);
    // A refund of what the kid bought while in the household still goes to the household wallet.
    const cancel = await t.call({ method: 'POST', url: `/v1/receipts/${receiptId}/cancel` });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect((await balance(owner.memberId)).points.available).toBe(59 + 10 - 9);
    expect((await balance(kid.memberId)).points.available).toBe(10);

    // The kid's lot (expiring 1 December, 60 points again after the refunds) expires in the shared
    // wallet; the two earned lots were revoked by the refunds.
    const jobs = await t.call({
      method: 'POST',
      url: '/v1/admin/jobs/run',
      payload: { at: '2026-12-02T00:00:00Z' },
    });
    expect(jobs.statusCode).toBe(200);
    expect((await balance(owner.memberId)).points.available).toBe(0);
    await verifyOk(t);
  });

  it('two tills confirming for two household members at once never overdraw the shared wallet', async () => {
    const [owner, kid, partner] = [await member(), await member(), await member()];
    await adjust(owner.memberId, 100);
    await household(owner.memberId, [kid.memberId, partner.memberId]);
    // Earned points wait 14 days here, so the spends compete for the 100 alone.
    await t.call({ method: 'PATCH', url: '/v1/program', payload: { earn: { pendingDays: 14 } } });
    try {
      const refs = [owner, kid, partner].map((m) => ({ cardNumber: m.cardNumber }));
      const responses = await Promise.all(
        Array.from({ length: 24 }, (_, i) => confirm(refs[i % 3]!, 100000, 10)),
      );
      const codes = responses.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 201)).toHaveLength(10);
      expect(codes.filter((c) => c === 422)).toHaveLength(14);
      const b = await balance(kid.memberId);
      expect(b.points.available).toBe(0);
      expect(b.points.pending).toBe(10 * 49);
      await verifyOk(t);

      // Receipts racing a join: those that locked the joiner's accounts first spend and earn there
      // before the move; the others follow the forward to the shared wallet. Nothing is stranded.
      const joiner = await member();
      await adjust(joiner.memberId, 80);
      const householdId = (await balance(owner.memberId)).householdId as string;
      const [joined, ...raced] = await Promise.all([
        t.call({
          method: 'POST',
          url: `/v1/households/${householdId}/members`,
          payload: { memberId: joiner.memberId },
        }),
        ...Array.from({ length: 6 }, () => confirm({ cardNumber: joiner.cardNumber }, 100000, 10)),
      ]);
      expect(joined.statusCode, joined.body).toBe(201);
      expect(raced.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
      const pooled = await balance(owner.memberId);
      expect(pooled.points.available).toBe(80 - 60);
      expect(pooled.points.pending).toBe(16 * 49);
      await verifyOk(t);
    } finally {
      await t.call({ method: 'PATCH', url: '/v1/program', payload: { earn: { pendingDays: 0 } } });
    }
  });
});
