import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { adjust, balanceOf, createMember, verifyOk } from './receipts-fixtures';

// 1,000 random receipts, confirmed and then refunded in random partial steps in a shuffled order:
// every refund adds up to the receipt, every member ends exactly where they started, and the
// ledger verifies. Replay a failure with FC_SEED=<seed printed by fast-check>.
const RECEIPTS = Number(process.env.KOPILKA_PROPERTY_RECEIPTS ?? 1000);
const START = 5000;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);

const lineArb = fc.record({
  category: fc.constantFrom('coffee', 'food', 'beans', 'merch'),
  quantityMilli: fc.oneof(
    fc.integer({ min: 1, max: 5 }).map((q) => q * 1000),
    fc.integer({ min: 1, max: 4000 }),
  ),
  amountMinor: fc.integer({ min: 0, max: 500_000 }),
});
const receiptArb = fc.record({
  member: fc.integer({ min: -1, max: 7 }), // -1 = anonymous
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  spendShare: fc.integer({ min: 0, max: 100 }),
  refundSplits: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
  order: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 12, maxLength: 12 }),
});

type ReceiptCase = typeof receiptArb extends fc.Arbitrary<infer T> ? T : never;

const qty = (milli: number) => (milli % 1000 === 0 ? milli / 1000 : (milli / 1000).toFixed(3));

describeEachEngine('1,000 random receipts confirmed and refunded in random partial steps', (engine) => {
  let t: TestApp;
  const members: string[] = [];
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
    await t.call({
      method: 'PATCH',
      url: '/v1/program',
      payload: {
        earn: { pointsPerUnit: '0.07', rounding: 'half_up', expiryDays: null, excludedCategories: ['merch'] },
        burn: { maxPercentOfReceipt: 50, excludedCategories: ['beans'] },
      },
    });
    for (let i = 0; i < 8; i++) {
      const id = await createMember(t);
      await adjust(t, id, START);
      members.push(id);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves every member where they started and the ledger clean', async () => {
    // One big sample rather than fc.assert: a counterexample of 1,000 receipts is unreadable; the
    // seed reproduces it exactly.
    const [receipts] = fc.sample(fc.array(receiptArb, { minLength: RECEIPTS, maxLength: RECEIPTS }), {
      seed,
      numRuns: 1,
    });
    try {
      await runScenario(receipts!);
    } catch (err) {
      throw new Error(`receipts property failed; replay with FC_SEED=${seed}: ${(err as Error).message}`);
    }
  }, 600_000);

  async function runScenario(receipts: ReceiptCase[]) {
    type Step = {
      receiptId: string;
      refundId: string;
      lines: { lineId: string; quantity: string | number }[] | undefined;
      order: number;
    };
    const steps: Step[] = [];
    const confirmed = new Map<
      string,
      { payableMinor: number; pointsSpent: number; pointsEarned: number; memberId: string | null }
    >();
    const run = Math.random().toString(36).slice(2, 8);
    for (const [i, r] of receipts.entries()) {
      const receiptId = `p-${run}-${i}`;
      const memberId = r.member >= 0 ? (members[r.member] ?? null) : null;
      const body = {
        receiptId,
        ...(memberId ? { member: { memberId } } : {}),
        lines: r.lines.map((l, n) => ({
          lineId: `l${n}`,
          sku: `SKU${n}`,
          category: l.category,
          quantity: qty(l.quantityMilli),
          amountMinor: l.amountMinor,
        })),
      };
      const calc = await t.call({ method: 'POST', url: '/v1/receipts/calculate', payload: body });
      expect(calc.statusCode, calc.body).toBe(200);
      const pointsToSpend = Math.floor((calc.json().totals.maxPointsToSpend * r.spendShare) / 100);
      const res = await t.call({
        method: 'POST',
        url: '/v1/receipts/confirm',
        payload: { ...body, pointsToSpend },
      });
      expect(res.statusCode, res.body).toBe(201);
      const c = res.json();
      expect(c.lines.reduce((s: number, l: { payableMinor: number }) => s + l.payableMinor, 0)).toBe(
        c.totals.payableMinor,
      );
      expect(c.totals.payableMinor).toBeGreaterThanOrEqual(0);
      confirmed.set(receiptId, {
        payableMinor: c.totals.payableMinor,
        pointsSpent: c.totals.pointsSpent,
        pointsEarned: c.totals.pointsEarned,
        memberId,
      });
      // Split each line's quantity into 1..3 refunds; the last refund of the receipt takes "everything left".
      let k = 0;
      for (const [n, l] of r.lines.entries()) {
        const parts = Math.min(r.refundSplits[n] ?? 1, l.quantityMilli);
        let left = l.quantityMilli;
        for (let p = 0; p < parts - 1; p++) {
          const q = Math.max(1, Math.floor(left / (parts - p)));
          steps.push({
            receiptId,
            refundId: `${receiptId}-r${k}`,
            lines: [{ lineId: `l${n}`, quantity: qty(q) }],
            order: r.order[k % 12] ?? 0,
          });
          left -= q;
          k++;
        }
        if (n < r.lines.length - 1) {
          steps.push({
            receiptId,
            refundId: `${receiptId}-r${k}`,
            lines: [{ lineId: `l${n}`, quantity: qty(left) }],
            order: r.order[k % 12] ?? 0,
          });
          k++;
        }
      }
      steps.push({ receiptId, refundId: `${receiptId}-rest`, lines: undefined, order: 1e9 + i });
    }
    // Shuffle partial refunds across receipts; each receipt's final "rest" refund comes after its parts.
    steps.sort((a, b) => a.order - b.order);
    const sums = new Map<string, { amountMinor: number; pointsReturned: number; pointsRevoked: number }>();
    for (const s of steps) {
      const res = await t.call({
        method: 'POST',
        url: `/v1/receipts/${s.receiptId}/refund`,
        payload: { refundId: s.refundId, ...(s.lines ? { lines: s.lines } : {}) },
      });
      if (res.statusCode === 422 && res.json().error.code === 'refund_exceeds_receipt' && !s.lines) continue; // nothing left
      expect(res.statusCode, res.body).toBe(201);
      const b = res.json();
      const acc = sums.get(s.receiptId) ?? { amountMinor: 0, pointsReturned: 0, pointsRevoked: 0 };
      sums.set(s.receiptId, {
        amountMinor: acc.amountMinor + b.amountMinor,
        pointsReturned: acc.pointsReturned + b.pointsReturned,
        pointsRevoked: acc.pointsRevoked + b.pointsRevoked,
      });
    }
    for (const [id, c] of confirmed) {
      const s = sums.get(id) ?? { amountMinor: 0, pointsReturned: 0, pointsRevoked: 0 };
      expect({ id, ...s }).toEqual({
        id,
        amountMinor: c.payableMinor,
        pointsReturned: c.pointsSpent,
        pointsRevoked: c.pointsEarned,
      });
    }
    for (const m of members) expect((await balanceOf(t, m)).available).toBe(START);
    await verifyOk(t);
  }
});
