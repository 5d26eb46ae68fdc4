import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { balanceOf, createMember, uid, verifyOk } from '../../receipts/__tests__/receipts-fixtures';
import { calculate, confirm, createCampaign, WEEKEND_DOUBLE } from './campaigns-fixtures';

// Each test runs in its own week (the clock only moves forward, so campaign versions stay
// meaningful) and scopes its campaigns to its own store, so tests do not see each other's.
const MONDAY_0 = Date.parse('2026-11-16T00:00:00Z');
const DAY = 86_400_000;

describeEachEngine('campaigns API', (engine) => {
  let t: TestApp;
  let week = 0;
  let store = '';
  /** Moves the clock to ISO day `isoDay` (1 = Monday) of this test's week, at `utcTime`. */
  const at = (isoDay: number, utcTime = '10:15') => {
    const [h, m] = utcTime.split(':').map(Number);
    t.clock.now = new Date(MONDAY_0 + (week * 7 + isoDay - 1) * DAY + ((h ?? 0) * 60 + (m ?? 0)) * 60_000);
    return t.clock.now;
  };
  const nextWeek = () => {
    week += 1;
    store = `store-${week}`;
    at(1, '00:00');
  };
  const scoped = (body: Record<string, unknown>) => ({ ...body, scope: { storeIds: [store] } });
  const receipt = (
    memberId: string | null,
    lines: Record<string, unknown>[],
    extra: Record<string, unknown> = {},
  ) => ({
    receiptId: uid('rcp'),
    storeId: store,
    ...(memberId ? { member: { memberId } } : {}),
    lines: lines.map((l, i) => ({
      lineId: String(i + 1),
      sku: 'LATTE',
      category: 'coffee',
      quantity: 1,
      amountMinor: 40000,
      ...l,
    })),
    ...extra,
  });

  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date(MONDAY_0) });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('CRUD (contract v1 shape)', () => {
    it('creates the contract example: 201, cmp_ id, the same shape back', async () => {
      nextWeek();
      const res = await t.call({ method: 'POST', url: '/v1/campaigns', payload: WEEKEND_DOUBLE });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body.campaignId).toMatch(/^cmp_/);
      expect(body).toMatchObject({
        ...WEEKEND_DOUBLE,
        version: 1,
        usage: { uses: 0, points: 0, moneyMinor: 0 },
      });
      const got = await t.call({ method: 'GET', url: `/v1/campaigns/${body.campaignId}` });
      expect(got.json()).toEqual(body);
      // Keep it from affecting the other tests.
      await t.call({ method: 'DELETE', url: `/v1/campaigns/${body.campaignId}` });
    });

    it('lists newest first, filters by status, pages with a cursor', async () => {
      nextWeek();
      const ids = [];
      for (const status of ['draft', 'paused', 'draft'])
        ids.push(await createCampaign(t, scoped({ ...WEEKEND_DOUBLE, status, name: `list ${status}` })));
      const drafts = await t.call({ method: 'GET', url: '/v1/campaigns?status=draft' });
      expect(
        drafts
          .json()
          .items.map((c: { campaignId: string }) => c.campaignId)
          .slice(0, 2),
      ).toEqual([ids[2], ids[0]]);
      expect(drafts.json().items.every((c: { status: string }) => c.status === 'draft')).toBe(true);
      const page1 = await t.call({ method: 'GET', url: '/v1/campaigns?limit=1' });
      expect(page1.json().items).toHaveLength(1);
      const page2 = await t.call({
        method: 'GET',
        url: `/v1/campaigns?limit=1&cursor=${page1.json().nextCursor}`,
      });
      expect(page2.json().items[0].campaignId).not.toBe(page1.json().items[0].campaignId);
      const bad = await t.call({ method: 'GET', url: '/v1/campaigns?status=live' });
      expect(bad.statusCode).toBe(400);
    });

    it('400 validation_failed names every wrong field', async () => {
      const res = await t.call({
        method: 'POST',
        url: '/v1/campaigns',
        payload: {
          ...WEEKEND_DOUBLE,
          status: 'live',
          conditions: { daysOfWeek: [0, 8], dayOfWeek: [1] },
          effect: { type: 'discount_percent', percent: '150' },
        },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(
        res
          .json()
          .error.details.map((d: { field: string }) => d.field)
          .sort(),
      ).toEqual([
        'body.conditions.dayOfWeek',
        'body.conditions.daysOfWeek',
        'body.effect.percent',
        'body.status',
      ]);
      const numeric = await t.call({
        method: 'POST',
        url: '/v1/campaigns',
        payload: { ...WEEKEND_DOUBLE, effect: { type: 'earn_multiplier', multiplier: 2 } },
      });
      expect(numeric.statusCode).toBe(400);
      expect(numeric.json().error.details[0].field).toBe('body.effect.multiplier');
    });

    it('PATCH merges, versions and audits; pausing stops the effect; DELETE hides it', async () => {
      nextWeek();
      const memberId = await createMember(t);
      const id = await createCampaign(t, scoped({ ...WEEKEND_DOUBLE, conditions: { daysOfWeek: [] } }));
      at(3);
      expect((await calculate(t, receipt(memberId, [{}]))).totals.pointsEarned).toBe(40);
      const paused = await t.call({
        method: 'PATCH',
        url: `/v1/campaigns/${id}`,
        payload: { status: 'paused', conditions: { minAmountMinor: 100 } },
      });
      expect(paused.statusCode, paused.body).toBe(200);
      expect(paused.json()).toMatchObject({
        status: 'paused',
        version: 2,
        conditions: { minAmountMinor: 100, daysOfWeek: [] },
        effect: WEEKEND_DOUBLE.effect,
      });
      expect((await calculate(t, receipt(memberId, [{}]))).totals.pointsEarned).toBe(20);
      at(3, '11:00');
      await t.call({ method: 'PATCH', url: `/v1/campaigns/${id}`, payload: { status: 'active' } });
      const versions = await t.call({ method: 'GET', url: `/v1/campaigns/${id}/versions` });
      expect(
        versions.json().items.map((v: { version: number; status: string }) => `${v.version}:${v.status}`),
      ).toEqual(['3:active', '2:paused', '1:active']);
      const audit = await t.call({ method: 'GET', url: '/v1/audit-log?limit=50' });
      const actions = (audit.json().items as { action: string; targetId: string }[])
        .filter((a) => a.targetId === id)
        .map((a) => a.action);
      expect(actions).toEqual(expect.arrayContaining(['campaign.created', 'campaign.status_changed']));
      const bad = await t.call({
        method: 'PATCH',
        url: `/v1/campaigns/${id}`,
        payload: { effect: { type: 'stamp' } },
      });
      expect(bad.statusCode).toBe(400);
      expect((await t.call({ method: 'DELETE', url: `/v1/campaigns/${id}` })).statusCode).toBe(204);
      expect((await t.call({ method: 'GET', url: `/v1/campaigns/${id}` })).statusCode).toBe(404);
      expect((await t.call({ method: 'DELETE', url: `/v1/campaigns/${id}` })).statusCode).toBe(404);
      expect((await calculate(t, receipt(memberId, [{}]))).totals.pointsEarned).toBe(20);
    });

    it('a late offline receipt is priced with the campaign as it was at occurredAt', async () => {
      nextWeek();
      const memberId = await createMember(t);
      const id = await createCampaign(t, scoped({ ...WEEKEND_DOUBLE, conditions: { daysOfWeek: [] } }));
      at(2);
      const occurredAt = t.clock.now.toISOString();
      at(4);
      await t.call({
        method: 'PATCH',
        url: `/v1/campaigns/${id}`,
        payload: { effect: { type: 'earn_multiplier', multiplier: '3' } },
      });
      const late = await confirm(t, receipt(memberId, [{}], { occurredAt }));
      expect(late.totals.pointsEarned).toBe(40);
      const now = await calculate(t, receipt(memberId, [{}]));
      expect(now.totals.pointsEarned).toBe(60);
    });
  });

  describe('contract examples through calculate and confirm', () => {
    it('weekend double points in the program time zone', async () => {
      nextWeek();
      const memberId = await createMember(t);
      await createCampaign(t, scoped(WEEKEND_DOUBLE));
      at(3);
      expect((await calculate(t, receipt(memberId, [{}]))).totals.pointsEarned).toBe(20);
      // Friday 21:30 UTC is Saturday 00:30 in Moscow.
      at(5, '21:30');
      const saturday = await confirm(t, receipt(memberId, [{}]));
      expect(saturday.totals.pointsEarned).toBe(40);
      expect(saturday.effects).toEqual([
        expect.objectContaining({
          kind: 'earn_multiplier',
          multiplier: '2',
          description: 'Double points on weekends: points ×2',
          lineIds: ['1'],
        }),
      ]);
      expect((await balanceOf(t, memberId)).available).toBe(40);
      await verifyOk(t);
    });

    it('bonus_points once per receipt; bonuses add up; anonymous receipts get none', async () => {
      nextWeek();
      const memberId = await createMember(t);
      await createCampaign(
        t,
        scoped({ name: 'Welcome bonus', effect: { type: 'bonus_points', points: 100 } }),
      );
      await createCampaign(
        t,
        scoped({
          name: 'Coffee bonus',
          conditions: { categories: ['coffee'] },
          effect: { type: 'bonus_points', points: 5 },
        }),
      );
      at(2);
      const result = await confirm(
        t,
        receipt(memberId, [{}, { lineId: '2', category: 'food', sku: 'CAKE', amountMinor: 20000 }]),
      );
      // 600 RUB × 5 % = 30 + 100 + 5
      expect(result.totals.pointsEarned).toBe(135);
      expect(result.effects.map((e: { kind: string; points: number }) => [e.kind, e.points])).toEqual([
        ['bonus_points', 100],
        ['bonus_points', 5],
      ]);
      expect((await calculate(t, receipt(null, [{}]))).effects).toEqual([]);
    });

    it('discount_percent on matching categories or skus, or the whole receipt', async () => {
      nextWeek();
      const memberId = await createMember(t);
      await createCampaign(
        t,
        scoped({
          name: 'Coffee 15',
          conditions: { categories: ['coffee'] },
          effect: { type: 'discount_percent', percent: '15' },
        }),
      );
      await createCampaign(
        t,
        scoped({
          name: 'Cake 20',
          conditions: { skus: ['CAKE'] },
          effect: { type: 'discount_percent', percent: '20' },
        }),
      );
      await createCampaign(
        t,
        scoped({ name: 'All 7.5', effect: { type: 'discount_percent', percent: '7.5' } }),
      );
      at(2);
      const result = await confirm(
        t,
        receipt(memberId, [
          {},
          { category: 'food', sku: 'CAKE', amountMinor: 10000 },
          { category: 'food', sku: 'BREAD', amountMinor: 10001 },
        ]),
      );
      expect(
        result.lines.map((l: { discountMinor: number; discountPercent: string }) => [
          l.discountMinor,
          l.discountPercent,
        ]),
      ).toEqual([
        [6000, '15'],
        [2000, '20'],
        [750, '7.5'],
      ]);
      expect(result.totals).toMatchObject({ amountMinor: 60001, discountMinor: 8750, payableMinor: 51251 });
    });

    it('coupon-gated discount: only with the code (case-insensitive); reported in coupons', async () => {
      nextWeek();
      const memberId = await createMember(t);
      await createCampaign(
        t,
        scoped({
          name: 'Autumn',
          conditions: { coupon: 'AUTUMN10' },
          effect: { type: 'discount_percent', percent: '10' },
        }),
      );
      at(2);
      expect((await calculate(t, receipt(memberId, [{}]))).totals.discountMinor).toBe(0);
      const withCode = await confirm(t, receipt(memberId, [{}], { coupons: ['autumn10', 'OTHER'] }));
      expect(withCode.totals.discountMinor).toBe(4000);
      expect(withCode.coupons).toEqual({ applied: ['autumn10'], unused: ['OTHER'] });
    });

    it('multipliers multiply', async () => {
      nextWeek();
      const memberId = await createMember(t);
      await createCampaign(t, scoped({ name: 'x2', effect: { type: 'earn_multiplier', multiplier: '2' } }));
      await createCampaign(
        t,
        scoped({ name: 'x1.5', effect: { type: 'earn_multiplier', multiplier: '1.5' } }),
      );
      at(2);
      expect((await confirm(t, receipt(memberId, [{}]))).totals.pointsEarned).toBe(60);
    });

    it('stacking: an exclusive group keeps the higher priority; stopFurther hides the rest', async () => {
      nextWeek();
      const memberId = await createMember(t);
      await createCampaign(
        t,
        scoped({
          name: 'Group A 20',
          priority: 1,
          stacking: { exclusiveGroup: 'coffee' },
          effect: { type: 'discount_percent', percent: '20' },
        }),
      );
      await createCampaign(
        t,
        scoped({
          name: 'Group A 10',
          priority: 5,
          stacking: { exclusiveGroup: 'coffee' },
          effect: { type: 'discount_percent', percent: '10' },
        }),
      );
      await createCampaign(
        t,
        scoped({ name: 'Bonus', priority: 3, effect: { type: 'bonus_points', points: 9 } }),
      );
      at(2);
      const grouped = await calculate(t, receipt(memberId, [{}]));
      expect(grouped.effects.map((e: { description: string }) => e.description)).toEqual([
        'Group A 10: 10% off',
        'Bonus: +9 bonus points',
      ]);
      await createCampaign(
        t,
        scoped({
          name: 'VIP day',
          priority: 50,
          stacking: { stopFurther: true },
          effect: { type: 'earn_multiplier', multiplier: '3' },
        }),
      );
      const stopped = await calculate(t, receipt(memberId, [{}]));
      expect(stopped.effects.map((e: { description: string }) => e.description)).toEqual([
        'VIP day: points ×3',
      ]);
      expect(stopped.totals).toMatchObject({ discountMinor: 0, pointsEarned: 60 });
    });

    it('more effect types through the API: fixed amount, buy N get M, bundle, earn rate, free delivery', async () => {
      nextWeek();
      const memberId = await createMember(t);
      await createCampaign(
        t,
        scoped({
          name: '3 for 2 croissants',
          conditions: { skus: ['CROISSANT'] },
          effect: { type: 'nth_item_free', buy: 2, free: 1 },
        }),
      );
      await createCampaign(
        t,
        scoped({
          name: 'Beans x10',
          conditions: { categories: ['beans'] },
          effect: { type: 'earn_rate', pointsPerUnit: '0.5' },
        }),
      );
      await createCampaign(
        t,
        scoped({
          name: 'Free delivery from 1000',
          conditions: { minAmountMinor: 100000 },
          effect: { type: 'free_delivery' },
        }),
      );
      await createCampaign(
        t,
        scoped({ name: '100 off', priority: -1, effect: { type: 'discount_amount', amountMinor: 10000 } }),
      );
      await createCampaign(
        t,
        scoped({
          name: 'Breakfast set',
          effect: {
            type: 'bundle_price',
            priceMinor: 25000,
            items: [
              { skus: ['LATTE'], quantity: 1 },
              { skus: ['CROISSANT'], quantity: 1 },
            ],
          },
        }),
      );
      at(2);
      const result = await confirm(
        t,
        receipt(
          memberId,
          [
            { sku: 'CROISSANT', category: 'bakery', quantity: 3, amountMinor: 30000 },
            { sku: 'BEANS', category: 'beans', quantity: 1, amountMinor: 100000 },
            { sku: 'DLV', category: 'delivery', quantity: 1, amountMinor: 29900 },
            { sku: 'LATTE', category: 'coffee', quantity: 1, amountMinor: 20000 },
          ],
          { channel: 'web' },
        ),
      );
      expect(
        result.effects.map((e: { kind: string; discountMinor?: number }) => [
          e.kind,
          e.discountMinor ?? null,
        ]),
      ).toEqual([
        ['nth_item_free', 10000],
        ['earn_rate', null],
        ['free_delivery', 29900],
        ['bundle_price', 1666],
        ['discount_amount', 10000],
      ]);
      // Croissants: 1 of 3 free, 416 of the set's saving, 1,416 of the 100 off (split by what is left).
      expect(result.lines.map((l: { payableMinor: number }) => l.payableMinor)).toEqual([
        18168, 92771, 0, 17395,
      ]);
      expect(result.totals).toMatchObject({
        amountMinor: 179900,
        discountMinor: 51566,
        payableMinor: 128334,
        pointsEarned: 481,
      });
    });

    it('simulates a draft on the last days of receipts: reach and cost, nothing written', async () => {
      nextWeek();
      const [a, b] = [await createMember(t), await createMember(t)];
      at(2);
      await confirm(t, receipt(a, [{}]));
      await confirm(t, receipt(b, [{ category: 'food', sku: 'CAKE', amountMinor: 10000 }]));
      at(3);
      await confirm(t, receipt(a, [{}]));
      await confirm(t, receipt(null, [{}]));
      const draft = await createCampaign(
        t,
        scoped({
          name: 'Coffee 10 %',
          status: 'draft',
          conditions: { categories: ['coffee'] },
          effect: { type: 'discount_percent', percent: '10' },
          limits: { totalUses: 2 },
        }),
      );
      at(4);
      const res = await t.call({
        method: 'POST',
        url: `/v1/campaigns/${draft}/simulation`,
        payload: { days: 3 },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        campaignId: draft,
        reached: { receipts: 2, members: 1, anonymousReceipts: 0 },
        stoppedByLimits: 1,
        cost: { discountMinor: 8000, points: -4, pointsValueMinor: -400 },
      });
      expect(res.json().receiptsScanned).toBeGreaterThanOrEqual(4);
      expect((await t.call({ method: 'GET', url: `/v1/campaigns/${draft}` })).json()).toMatchObject({
        status: 'draft',
        usage: { uses: 0 },
      });
    });

    // Last: the ladder gives every later member a tier.
    it('largest percentage wins per line: tier vs campaign', async () => {
      nextWeek();
      const ladder = await t.call({
        method: 'PUT',
        url: '/v1/tiers',
        payload: {
          windowDays: 365,
          tiers: [
            {
              code: 'silver',
              name: 'Silver',
              qualifyingSpendMinor: 0,
              discountPercent: '5',
              earnMultiplier: '1',
            },
            {
              code: 'gold',
              name: 'Gold',
              qualifyingSpendMinor: 3000000,
              discountPercent: '10',
              earnMultiplier: '1.5',
            },
          ],
        },
      });
      expect(ladder.statusCode, ladder.body).toBe(200);
      const memberId = await createMember(t);
      await createCampaign(
        t,
        scoped({
          name: 'Coffee 15',
          conditions: { categories: ['coffee'] },
          effect: { type: 'discount_percent', percent: '15' },
        }),
      );
      await createCampaign(
        t,
        scoped({ name: 'Small 3', effect: { type: 'discount_percent', percent: '3' } }),
      );
      at(2);
      const result = await calculate(
        t,
        receipt(memberId, [{}, { category: 'food', sku: 'CAKE', amountMinor: 10000 }]),
      );
      expect(result.lines.map((l: { discountPercent: string }) => l.discountPercent)).toEqual(['15', '5']);
      expect(
        result.effects
          .filter((e: { kind: string }) => e.kind === 'discount_percent')
          .map((e: { tierCode: string; campaignId: string }) => e.tierCode ?? 'campaign'),
      ).toEqual(['silver', 'campaign']);
    });
  });
});
