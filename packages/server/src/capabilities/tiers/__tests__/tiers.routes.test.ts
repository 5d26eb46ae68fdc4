import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import {
  balanceTier,
  type Client,
  CONTRACT_LADDER,
  confirm,
  createMember,
  days,
  newTenant,
  putLadder,
  receipt,
  runJobs,
  tierOf,
  uid,
} from './tiers-fixtures';

const START = new Date('2026-11-22T10:20:00Z');

describeEachEngine('tiers API', (engine) => {
  let t: TestApp;
  let c: Client;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: START });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    t.clock.now = START;
    c = await newTenant(t);
  });

  it('PUT /v1/tiers replaces the ladder and GET returns exactly it; an empty ladder before', async () => {
    expect(await c.ok({ method: 'GET', url: '/v1/tiers' })).toEqual({ windowDays: 365, tiers: [] });
    expect(await putLadder(c)).toEqual(CONTRACT_LADDER);
    expect(await c.ok({ method: 'GET', url: '/v1/tiers' })).toEqual(CONTRACT_LADDER);
    const smaller = { windowDays: 180, tiers: [CONTRACT_LADDER.tiers[0]] };
    expect(await putLadder(c, smaller)).toEqual(smaller);
    expect(await c.ok({ method: 'GET', url: '/v1/tiers' })).toEqual(smaller);
  });

  it('validates the ladder: unique codes, entry at 0, increasing thresholds, decimals as strings', async () => {
    const [silver, gold] = CONTRACT_LADDER.tiers as unknown as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    const cases: [object, string][] = [
      [{ windowDays: 365, tiers: [silver, { ...gold, code: 'silver' }] }, 'body.tiers.1.code'],
      [
        { windowDays: 365, tiers: [{ ...silver, qualifyingSpendMinor: 100 }] },
        'body.tiers.0.qualifyingSpendMinor',
      ],
      [
        { windowDays: 365, tiers: [silver, { ...gold, qualifyingSpendMinor: 0 }] },
        'body.tiers.1.qualifyingSpendMinor',
      ],
      [{ windowDays: 365, tiers: [{ ...silver, discountPercent: '101' }] }, 'body.tiers.0.discountPercent'],
    ];
    for (const [payload, field] of cases) {
      const res = await c.call({ method: 'PUT', url: '/v1/tiers', payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const numeric = await c.call({
      method: 'PUT',
      url: '/v1/tiers',
      payload: { windowDays: 365, tiers: [{ ...silver, discountPercent: 5 }] },
    });
    expect(numeric.statusCode).toBe(400);
    const unknown = await c.call({
      method: 'PUT',
      url: '/v1/tiers',
      payload: { ...CONTRACT_LADDER, extra: 1 },
    });
    expect(unknown.statusCode).toBe(400);
    expect(await c.ok({ method: 'GET', url: '/v1/tiers' })).toEqual({ windowDays: 365, tiers: [] });
  });

  it('contract example through confirm: silver 5 % on every line; the qualifying receipt lifts to gold from the next receipt (10 %, ×1.5)', async () => {
    await putLadder(c);
    const memberId = await createMember(c);
    expect(await balanceTier(c, memberId)).toEqual({ code: 'silver', name: 'Silver' });

    const first = await confirm(c, receipt(memberId, [40000, 10000]));
    expect(first.totals).toMatchObject({
      amountMinor: 50000,
      discountMinor: 2500,
      payableMinor: 47500,
      pointsEarned: 23,
    });
    expect(first.lines.map((l: { discountMinor: number }) => l.discountMinor)).toEqual([2000, 500]);

    // 3,200,000 - 5 % = 3,040,000 paid: this receipt itself is still priced at silver.
    const lifting = await confirm(c, receipt(memberId, [3200000]));
    expect(lifting.totals).toMatchObject({ discountMinor: 160000, payableMinor: 3040000 });
    expect(await balanceTier(c, memberId)).toEqual({ code: 'gold', name: 'Gold' });

    const next = await confirm(c, receipt(memberId, [40000, 10000]));
    expect(next.lines.map((l: { discountMinor: number }) => l.discountMinor)).toEqual([4000, 1000]);
    // 450.00 RUB × 0.05 × 1.5 = 33.75 -> 33
    expect(next.totals).toMatchObject({ discountMinor: 5000, payableMinor: 45000, pointsEarned: 33 });
    expect(next.effects.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['discount_percent', 'earn_multiplier']),
    );

    const history = await c.ok({ method: 'GET', url: `/v1/members/${memberId}/tier/history` });
    expect(history.items).toEqual([
      expect.objectContaining({
        from: 'silver',
        to: 'gold',
        reason: 'upgrade',
        receiptId: lifting.receiptId,
        actor: { type: 'system', id: null },
      }),
    ]);
    const events = await t.db
      .selectFrom('event_outbox')
      .select(['payload'])
      .where('tenant_id', '=', c.tenantId)
      .where('type', '=', 'tier.changed')
      .execute();
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({ memberId, from: 'silver', to: 'gold', reason: 'upgrade' }),
    ]);
  });

  it('a late offline receipt is priced at the tier the member held when it happened', async () => {
    await putLadder(c);
    const memberId = await createMember(c);
    await confirm(c, receipt(memberId, [3200000]));
    expect(await balanceTier(c, memberId)).toEqual({ code: 'gold', name: 'Gold' });
    t.clock.now = days(START, 2);
    const offline = await confirm(
      c,
      receipt(memberId, [40000], { occurredAt: new Date(START.getTime() - 3600_000).toISOString() }),
    );
    expect(offline.totals).toMatchObject({ discountMinor: 2000 });
    const afterUpgrade = await confirm(
      c,
      receipt(memberId, [40000], { occurredAt: days(START, 1).toISOString() }),
    );
    expect(afterUpgrade.totals).toMatchObject({ discountMinor: 4000 });
  });

  it('a member who refunds the purchase that lifted them keeps gold until re-evaluation, then falls back', async () => {
    await putLadder(c);
    const memberId = await createMember(c);
    const lifting = await confirm(c, receipt(memberId, [3200000]));
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'gold' });

    t.clock.now = days(START, 1);
    const refund = await c.call({
      method: 'POST',
      url: `/v1/receipts/${lifting.receiptId}/refund`,
      payload: { refundId: uid('rf') },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    // Downgrades wait for re-evaluation.
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'gold' });
    const stillGold = await confirm(c, receipt(memberId, [10000]));
    expect(stillGold.totals.discountMinor).toBe(1000);

    await runJobs(t, days(START, 1));
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'silver' });
    const after = await confirm(c, receipt(memberId, [10000]));
    expect(after.totals.discountMinor).toBe(500);
    const history = await c.ok({ method: 'GET', url: `/v1/members/${memberId}/tier/history` });
    expect(history.items[0]).toMatchObject({
      from: 'gold',
      to: 'silver',
      reason: 'downgrade',
      actor: { type: 'system', id: 'tiers.reevaluate' },
    });

    // Running the job again changes nothing.
    await runJobs(t, days(START, 1));
    expect((await c.ok({ method: 'GET', url: `/v1/members/${memberId}/tier/history` })).items).toHaveLength(
      2,
    );
  });

  it('spend leaves the rolling window: the daily full pass lowers the member', async () => {
    await putLadder(c);
    const memberId = await createMember(c);
    await confirm(c, receipt(memberId, [3200000]));
    await runJobs(t, days(START, 100));
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'gold' });
    await runJobs(t, days(START, 366));
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'silver' });
  });

  it('the job lifts members whose spend predates the ladder, and moves everyone after a ladder change', async () => {
    const memberId = await createMember(c);
    await confirm(c, receipt(memberId, [3100000]));
    expect(await balanceTier(c, memberId)).toBeNull();
    await putLadder(c);
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'silver' });
    await runJobs(t, START);
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'gold' });
    // A new ladder without 'gold': the member is placed by the new thresholds at the next run.
    await putLadder(c, {
      windowDays: 365,
      tiers: [
        { code: 'basic', name: 'Basic', qualifyingSpendMinor: 0, discountPercent: '1', earnMultiplier: '1' },
        {
          code: 'vip',
          name: 'VIP',
          qualifyingSpendMinor: 5000000,
          discountPercent: '20',
          earnMultiplier: '2',
        },
      ],
    });
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'basic' });
    await runJobs(t, START);
    const progress = await tierOf(c, memberId);
    expect(progress).toMatchObject({
      tier: { code: 'basic' },
      source: 'auto',
      nextTier: { code: 'vip', remaining: 5000000 - 3100000 },
    });
  });

  it('progress: metric so far, what is left to the next tier and to keep the current one, window dates', async () => {
    await putLadder(c, {
      ...CONTRACT_LADDER,
      tiers: [
        ...CONTRACT_LADDER.tiers,
        {
          code: 'platinum',
          name: 'Platinum',
          qualifyingSpendMinor: 10000000,
          discountPercent: '15',
          earnMultiplier: '2',
          perks: ['free_delivery'],
        },
      ],
    });
    const memberId = await createMember(c);
    const empty = await tierOf(c, memberId);
    expect(empty).toMatchObject({
      memberId,
      tier: {
        code: 'silver',
        name: 'Silver',
        discountPercent: '5',
        earnMultiplier: '1',
        perks: [],
        maxPointsPercent: null,
      },
      source: 'entry',
      metric: {
        kind: 'spend',
        value: 0,
        window: { kind: 'rolling', days: 365, from: '2025-11-22T10:20:00.000Z', to: START.toISOString() },
      },
      qualifiedTier: { code: 'silver' },
      nextTier: { code: 'gold', threshold: 3000000, remaining: 3000000 },
      keepCurrent: { threshold: 0, remaining: 0 },
    });
    await confirm(c, receipt(memberId, [3200000]));
    expect(await tierOf(c, memberId)).toMatchObject({
      tier: { code: 'gold' },
      source: 'auto',
      since: START.toISOString(),
      metric: { value: 3040000 },
      nextTier: { code: 'platinum', remaining: 10000000 - 3040000 },
      keepCurrent: { threshold: 3000000, remaining: 0 },
    });
    const missing = await c.call({ method: 'GET', url: '/v1/members/mbr_nobody/tier' });
    expect(missing.statusCode).toBe(404);
  });

  it('an override survives re-evaluation until it expires, is audited, and shows in history', async () => {
    await putLadder(c);
    const memberId = await createMember(c);
    const until = days(START, 30).toISOString();
    const set = await c.ok({
      method: 'PUT',
      url: `/v1/members/${memberId}/tier/override`,
      payload: { tierCode: 'gold', until, reason: 'Compensation for a late order' },
    });
    expect(set).toMatchObject({
      tier: { code: 'gold' },
      source: 'override',
      override: { until: days(START, 30).toISOString(), reason: 'Compensation for a late order' },
    });
    const priced = await confirm(c, receipt(memberId, [10000]));
    expect(priced.totals.discountMinor).toBe(1000);

    await runJobs(t, days(START, 1));
    await runJobs(t, days(START, 29));
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'gold' });
    await runJobs(t, days(START, 31));
    expect(await tierOf(c, memberId)).toMatchObject({
      tier: { code: 'silver' },
      source: 'auto',
      override: null,
    });

    const history = (await c.ok({ method: 'GET', url: `/v1/members/${memberId}/tier/history` })).items;
    expect(history.map((h: { reason: string }) => h.reason)).toEqual(['override_expired', 'override']);
    expect(history[1]).toMatchObject({
      from: 'silver',
      to: 'gold',
      note: 'Compensation for a late order',
      actor: { type: 'api_key' },
    });
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('tenant_id', '=', c.tenantId)
      .where('action', 'like', 'tier.%')
      .execute();
    expect(audit).toEqual([{ action: 'tier.override_set', target_id: memberId }]);
  });

  it('override errors; an earned higher tier lifts over an override; removing an override applies the metric', async () => {
    await putLadder(c, {
      ...CONTRACT_LADDER,
      tiers: [
        ...CONTRACT_LADDER.tiers,
        {
          code: 'platinum',
          name: 'Platinum',
          qualifyingSpendMinor: 10000000,
          discountPercent: '15',
          earnMultiplier: '2',
        },
      ],
    });
    const memberId = await createMember(c);
    const unknownTier = await c.call({
      method: 'PUT',
      url: `/v1/members/${memberId}/tier/override`,
      payload: { tierCode: 'diamond', until: days(START, 5).toISOString(), reason: 'x' },
    });
    expect(unknownTier.statusCode).toBe(422);
    const past = await c.call({
      method: 'PUT',
      url: `/v1/members/${memberId}/tier/override`,
      payload: { tierCode: 'gold', until: days(START, -1).toISOString(), reason: 'x' },
    });
    expect(past.statusCode).toBe(400);

    await c.ok({
      method: 'PUT',
      url: `/v1/members/${memberId}/tier/override`,
      payload: { tierCode: 'gold', until: days(START, 30).toISOString(), reason: 'VIP guest' },
    });
    await confirm(c, receipt(memberId, [11200000]));
    expect(await tierOf(c, memberId)).toMatchObject({
      tier: { code: 'platinum' },
      source: 'auto',
      override: null,
    });

    const other = await createMember(c);
    await c.ok({
      method: 'PUT',
      url: `/v1/members/${other}/tier/override`,
      payload: { tierCode: 'platinum', until: days(START, 30).toISOString(), reason: 'VIP guest' },
    });
    const removed = await c.ok({ method: 'DELETE', url: `/v1/members/${other}/tier/override` });
    expect(removed).toMatchObject({ tier: { code: 'silver' }, source: 'auto', override: null });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('tenant_id', '=', c.tenantId)
      .where('target_id', '=', other)
      .where('action', 'like', 'tier.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['tier.override_set', 'tier.override_removed']);
  });

  it('grace period and minimum stay delay a downgrade', async () => {
    await putLadder(c, { ...CONTRACT_LADDER, graceDays: 30 });
    const memberId = await createMember(c);
    const lifting = await confirm(c, receipt(memberId, [3200000]));
    await c.ok({ method: 'POST', url: `/v1/receipts/${lifting.receiptId}/cancel` });
    await runJobs(t, days(START, 1));
    const inGrace = await tierOf(c, memberId);
    expect(inGrace).toMatchObject({
      tier: { code: 'gold' },
      graceUntil: days(START, 31).toISOString(),
      keepCurrent: { remaining: 3000000 },
    });
    await runJobs(t, days(START, 20));
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'gold' });
    await runJobs(t, days(START, 32));
    expect(await tierOf(c, memberId)).toMatchObject({ tier: { code: 'silver' }, graceUntil: null });

    const stay = await newTenant(t);
    await putLadder(stay, { ...CONTRACT_LADDER, minStayDays: 90 });
    const stayer = await createMember(stay);
    const big = await confirm(stay, receipt(stayer, [3200000]));
    await stay.ok({ method: 'POST', url: `/v1/receipts/${big.receiptId}/cancel` });
    await runJobs(t, days(START, 1));
    expect(await tierOf(stay, stayer)).toMatchObject({
      tier: { code: 'gold' },
      keepUntil: days(START, 90).toISOString(),
    });
    await runJobs(t, days(START, 91));
    expect(await balanceTier(stay, stayer)).toMatchObject({ code: 'silver' });
  });

  it('visits and lifetime: a richer ladder qualifies by the number of receipts; perks show in benefits', async () => {
    await putLadder(c, {
      windowDays: 365,
      metric: 'visits',
      window: 'lifetime',
      tiers: [
        { code: 'guest', name: 'Guest', qualifyingVisits: 0, discountPercent: '0', earnMultiplier: '1' },
        {
          code: 'regular',
          name: 'Regular',
          qualifyingVisits: 3,
          discountPercent: '3',
          earnMultiplier: '1',
          perks: ['free_delivery', 'priority_service'],
          maxPointsPercent: 50,
        },
      ],
    });
    const memberId = await createMember(c);
    for (let i = 0; i < 3; i++) await confirm(c, receipt(memberId, [10000]));
    const progress = await tierOf(c, memberId);
    expect(progress).toMatchObject({
      tier: { code: 'regular', perks: ['free_delivery', 'priority_service'], maxPointsPercent: 50 },
      metric: { kind: 'visits', value: 3, window: { kind: 'lifetime', from: null } },
    });
    const benefits = await c.ok({ method: 'GET', url: `/v1/members/${memberId}/benefits` });
    expect(benefits).toMatchObject({
      tier: { code: 'regular' },
      membership: null,
      combined: { discountPercent: '3', perks: ['free_delivery', 'priority_service'] },
      freeDelivery: true,
    });
    // The tier's share payable with points replaces the program's 30 % on receipts.
    await c.ok(
      {
        method: 'POST',
        url: `/v1/members/${memberId}/adjustments`,
        headers: { 'idempotency-key': uid('adj') },
        payload: { points: 10000, reason: 'test' },
      },
      201,
    );
    const priced = await c.ok({
      method: 'POST',
      url: '/v1/receipts/calculate',
      payload: receipt(memberId, [100000], { pointsToSpend: 10000 }),
    });
    // 1 000 ₽ − 3 % tier discount = 970 ₽; 50 % of it at 1 ₽ a point = 485 points
    expect(priced.totals.maxPointsToSpend).toBe(485);
  });
  it('status points: a second, never-spendable currency earned with each receipt qualifies; refunds take them back', async () => {
    await putLadder(c, {
      windowDays: 365,
      metric: 'status_points',
      statusPointsPerUnit: '1',
      tiers: [
        { code: 'base', name: 'Base', qualifyingStatusPoints: 0, discountPercent: '0', earnMultiplier: '1' },
        {
          code: 'star',
          name: 'Star',
          qualifyingStatusPoints: 1000,
          discountPercent: '0',
          earnMultiplier: '2',
        },
      ],
    });
    const memberId = await createMember(c);
    const big = await confirm(c, receipt(memberId, [60000, 40000]));
    expect(big.totals).toMatchObject({ payableMinor: 100000, pointsEarned: 50 });
    expect(await tierOf(c, memberId)).toMatchObject({
      tier: { code: 'star' },
      metric: { kind: 'status_points', value: 1000 },
    });
    // Redeemable points are untouched by status points, and status points cannot be spent.
    expect((await c.ok({ method: 'GET', url: `/v1/members/${memberId}/balance` })).points).toMatchObject({
      available: 50,
    });
    const spend = await c.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: receipt(memberId, [100000], { pointsToSpend: 51 }),
    });
    expect(spend.json().error.code).toBe('insufficient_points');
    // ×2 for star: 100.00 × 0.05 × 2 = 10 points, and 100 more status points
    expect((await confirm(c, receipt(memberId, [10000]))).totals.pointsEarned).toBe(10);
    expect((await tierOf(c, memberId)).metric.value).toBe(1100);

    await c.ok(
      {
        method: 'POST',
        url: `/v1/receipts/${big.receiptId}/refund`,
        payload: { refundId: uid('rf'), lines: [{ lineId: '1', quantity: 1 }] },
      },
      201,
    );
    expect((await tierOf(c, memberId)).metric.value).toBe(500);
    await runJobs(t, START);
    expect(await balanceTier(c, memberId)).toMatchObject({ code: 'base' });
    expect(await c.ok({ method: 'GET', url: '/v1/admin/ledger/verify' })).toMatchObject({ ok: true });
  });
});
