import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import {
  type Client,
  confirm,
  createMember,
  days,
  newTenant,
  putLadder,
  receipt,
  runJobs,
  uid,
} from '../../tiers/__tests__/tiers-fixtures';

const START = new Date('2026-11-22T10:20:00Z');
const YEAR_END = new Date('2027-11-22T10:20:00Z');

const CLUB = {
  code: 'club',
  name: 'Club',
  period: 'year',
  priceMinor: 99900,
  discountPercent: '7',
  earnMultiplier: '2',
  freeDelivery: true,
  dividendPercent: '10',
  renewalNoticeDays: 7,
};

describeEachEngine('paid memberships API', (engine) => {
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

  const createPlan = (plan: object = CLUB) =>
    c.ok({ method: 'POST', url: '/v1/membership-plans', payload: plan }, 201);
  const subscribe = (memberId: string, payload: object, headers: Record<string, string> = {}) =>
    c.call({ method: 'POST', url: `/v1/members/${memberId}/memberships`, payload, headers });
  const events = async (type: string) =>
    (
      await t.db
        .selectFrom('event_outbox')
        .select(['payload'])
        .where('tenant_id', '=', c.tenantId)
        .where('type', '=', type)
        .orderBy('id')
        .execute()
    ).map((e) => e.payload);

  it('plans: create, read by id or code, patch, reject invalid terms', async () => {
    const plan = await createPlan();
    expect(plan).toMatchObject({
      code: 'club',
      status: 'active',
      period: 'year',
      priceMinor: 99900,
      trialDays: 0,
      perks: ['free_delivery'],
      freeDelivery: true,
      dividendPercent: '10',
    });
    expect(await c.ok({ method: 'GET', url: `/v1/membership-plans/club` })).toEqual(plan);
    expect((await c.ok({ method: 'GET', url: '/v1/membership-plans' })).items).toEqual([plan]);
    const patched = await c.ok({
      method: 'PATCH',
      url: `/v1/membership-plans/${plan.planId}`,
      payload: { priceMinor: 120000, freeDelivery: false },
    });
    expect(patched).toMatchObject({
      priceMinor: 120000,
      perks: [],
      freeDelivery: false,
      discountPercent: '7',
    });
    const dup = await c.call({ method: 'POST', url: '/v1/membership-plans', payload: CLUB });
    expect(dup.statusCode).toBe(409);
    const bad = await c.call({
      method: 'POST',
      url: '/v1/membership-plans',
      payload: { ...CLUB, code: 'x', discountPercent: '150' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([
      { field: 'body.discountPercent', message: expect.any(String) },
    ]);
  });

  it('a paid member gets the plan on the receipt, loses it the day after the period ends unpaid, and regains it when the renewal is recorded (with the dividend)', async () => {
    await createPlan();
    const memberId = await createMember(c);
    const subscribed = await subscribe(memberId, { planId: 'club', paymentReference: 'pos-1-000045' });
    expect(subscribed.statusCode, subscribed.body).toBe(201);
    const membership = subscribed.json();
    expect(membership).toMatchObject({
      memberId,
      planCode: 'club',
      status: 'active',
      currentPeriodStart: START.toISOString(),
      currentPeriodEnd: YEAR_END.toISOString(),
      benefitsActive: true,
      payments: [{ kind: 'subscribe', paymentReference: 'pos-1-000045', amountMinor: 99900 }],
    });
    // Replaying the same subscription answers the same; the same payment for another body is refused.
    const replay = await subscribe(memberId, { planId: 'club', paymentReference: 'pos-1-000045' });
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(membership);
    expect(
      (await subscribe(memberId, { planId: 'club', paymentReference: 'pos-1-000045', amountMinor: 1 }))
        .statusCode,
    ).toBe(409);
    const second = await subscribe(memberId, { planId: 'club', paymentReference: 'pos-1-000046' });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({
      code: 'membership_exists',
      details: { membershipId: membership.membershipId },
    });

    // 7 % off every line; points ×2: 465.00 × 0.05 × 2 = 46.5 -> 46
    const paid = await confirm(c, receipt(memberId, [40000, 10000]));
    expect(paid.lines.map((l: { discountMinor: number }) => l.discountMinor)).toEqual([2800, 700]);
    expect(paid.totals).toMatchObject({ discountMinor: 3500, payableMinor: 46500, pointsEarned: 46 });
    expect(await c.ok({ method: 'GET', url: `/v1/members/${memberId}/benefits` })).toMatchObject({
      tier: null,
      membership: {
        code: 'club',
        membershipId: membership.membershipId,
        status: 'active',
        perks: ['free_delivery'],
      },
      combined: { discountPercent: '7', earnMultiplier: '2' },
      freeDelivery: true,
    });

    await runJobs(t, days(YEAR_END, -3));
    expect(await events('membership.renewal_due')).toEqual([
      expect.objectContaining({
        membershipId: membership.membershipId,
        priceMinor: 99900,
        currentPeriodEnd: '2027-11-22T10:20:00Z',
      }),
    ]);
    await runJobs(t, days(YEAR_END, -2));
    expect(await events('membership.renewal_due')).toHaveLength(1);

    t.clock.now = days(YEAR_END, 1);
    const lapsed = await confirm(c, receipt(memberId, [40000, 10000]));
    expect(lapsed.totals).toMatchObject({ discountMinor: 0, payableMinor: 50000, pointsEarned: 25 });
    await runJobs(t, t.clock.now);
    expect(
      await c.ok({ method: 'GET', url: `/v1/members/${memberId}/memberships/${membership.membershipId}` }),
    ).toMatchObject({ status: 'expired', benefitsActive: false, endedAt: YEAR_END.toISOString() });
    expect(await events('membership.expired')).toEqual([
      expect.objectContaining({ membershipId: membership.membershipId, status: 'expired' }),
    ]);

    const renewal = await c.call({
      method: 'POST',
      url: `/v1/members/${memberId}/memberships/${membership.membershipId}/renewals`,
      payload: { paymentReference: 'pos-1-000999' },
    });
    expect(renewal.statusCode, renewal.body).toBe(201);
    // 10 % of the 465.00 RUB paid in the ended period = 46.50 RUB = 46 points.
    expect(renewal.json()).toMatchObject({
      status: 'active',
      currentPeriodStart: days(YEAR_END, 1).toISOString(),
      currentPeriodEnd: '2028-11-23T10:20:00.000Z',
      benefitsActive: true,
      payments: [
        { kind: 'renewal', paymentReference: 'pos-1-000999', dividendPoints: 46 },
        { kind: 'subscribe' },
      ],
    });
    const again = await c.call({
      method: 'POST',
      url: `/v1/members/${memberId}/memberships/${membership.membershipId}/renewals`,
      payload: { paymentReference: 'pos-1-000999' },
    });
    expect(again.json()).toEqual(renewal.json());
    const history = await c.ok({ method: 'GET', url: `/v1/members/${memberId}/history` });
    expect(history.items.filter((h: { kind: string }) => h.kind === 'membership_dividend')).toEqual([
      expect.objectContaining({ points: 46 }),
    ]);

    const back = await confirm(c, receipt(memberId, [40000, 10000]));
    expect(back.totals).toMatchObject({ discountMinor: 3500, pointsEarned: 46 });
    const verify = await c.ok({ method: 'GET', url: '/v1/admin/ledger/verify' });
    expect(verify).toMatchObject({ ok: true });
  });

  it('combines with the tier: the larger discount wins, multipliers multiply', async () => {
    await putLadder(c);
    await createPlan();
    const memberId = await createMember(c);
    expect((await subscribe(memberId, { planId: 'club', paymentReference: uid('pay') })).statusCode).toBe(
      201,
    );
    // silver 5 % vs club 7 %: 7 %; ×1 × 2
    const silver = await confirm(c, receipt(memberId, [40000, 10000]));
    expect(silver.totals).toMatchObject({ discountMinor: 3500, pointsEarned: 46 });
    await confirm(c, receipt(memberId, [3300000]));
    // gold 10 % vs club 7 %: 10 %; ×1.5 × 2 = ×3: 450.00 × 0.05 × 3 = 67.5 -> 67
    const gold = await confirm(c, receipt(memberId, [40000, 10000]));
    expect(gold.totals).toMatchObject({ discountMinor: 5000, payableMinor: 45000, pointsEarned: 67 });
    expect((await c.ok({ method: 'GET', url: `/v1/members/${memberId}/balance` })).tier).toEqual({
      code: 'gold',
      name: 'Gold',
    });
    expect(await c.ok({ method: 'GET', url: `/v1/members/${memberId}/benefits` })).toMatchObject({
      tier: { code: 'gold', discountPercent: '10' },
      membership: { code: 'club' },
      combined: {
        code: 'gold',
        name: 'Gold + Club',
        discountPercent: '10',
        earnMultiplier: '3',
        perks: ['free_delivery'],
      },
      freeDelivery: true,
    });
  });

  it('trials need no payment and end unpaid; plans without a trial need the payment reference', async () => {
    await createPlan({
      code: 'monthly',
      name: 'Monthly',
      period: 'month',
      priceMinor: 29900,
      trialDays: 14,
      discountPercent: '3',
    });
    await createPlan();
    const memberId = await createMember(c);
    const noPayment = await subscribe(memberId, { planId: 'club' });
    expect(noPayment.statusCode).toBe(400);
    const trial = await subscribe(memberId, { planId: 'monthly' });
    expect(trial.statusCode, trial.body).toBe(201);
    expect(trial.json()).toMatchObject({
      status: 'trial',
      currentPeriodEnd: days(START, 14).toISOString(),
      payments: [],
    });
    t.clock.now = days(START, 13);
    expect((await confirm(c, receipt(memberId, [10000]))).totals.discountMinor).toBe(300);
    await runJobs(t, t.clock.now);
    expect(await events('membership.renewal_due')).toHaveLength(1);
    t.clock.now = days(START, 15);
    expect((await confirm(c, receipt(memberId, [10000]))).totals.discountMinor).toBe(0);
    await runJobs(t, t.clock.now);
    const [ended] = (await c.ok({ method: 'GET', url: `/v1/members/${memberId}/memberships` })).items;
    expect(ended).toMatchObject({ status: 'expired', benefitsActive: false });
    // The member may join again (the trial key is per plan: a new trial is not given twice).
    expect((await subscribe(memberId, { planId: 'club', paymentReference: uid('pay') })).statusCode).toBe(
      201,
    );
  });

  it('cancel at period end keeps benefits until then, without a renewal notice; cancel now ends them at once', async () => {
    await createPlan();
    const memberId = await createMember(c);
    const m = (await subscribe(memberId, { planId: 'club', paymentReference: uid('pay') })).json();
    const cancelled = await c.ok({
      method: 'POST',
      url: `/v1/members/${memberId}/memberships/${m.membershipId}/cancel`,
      payload: { reason: 'moving away' },
    });
    expect(cancelled).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, benefitsActive: true });
    expect((await confirm(c, receipt(memberId, [10000]))).totals.discountMinor).toBe(700);
    await runJobs(t, days(YEAR_END, -3));
    expect(await events('membership.renewal_due')).toHaveLength(0);
    await runJobs(t, days(YEAR_END, 1));
    expect(
      await c.ok({ method: 'GET', url: `/v1/members/${memberId}/memberships/${m.membershipId}` }),
    ).toMatchObject({ status: 'cancelled', endedAt: YEAR_END.toISOString() });
    expect(await events('membership.ended')).toHaveLength(1);

    t.clock.now = days(YEAR_END, 2);
    const other = await createMember(c);
    const m2 = (await subscribe(other, { planId: 'club', paymentReference: uid('pay') })).json();
    const now = await c.ok({
      method: 'POST',
      url: `/v1/members/${other}/memberships/${m2.membershipId}/cancel`,
      payload: { atPeriodEnd: false },
    });
    expect(now).toMatchObject({
      status: 'cancelled',
      benefitsActive: false,
      currentPeriodEnd: t.clock.now.toISOString(),
    });
    expect((await confirm(c, receipt(other, [10000]))).totals.discountMinor).toBe(0);
    const renewCancelled = await c.call({
      method: 'POST',
      url: `/v1/members/${other}/memberships/${m2.membershipId}/renewals`,
      payload: { paymentReference: uid('pay') },
    });
    expect(renewCancelled.statusCode).toBe(422);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('tenant_id', '=', c.tenantId)
      .where('action', 'like', 'membership.%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'membership.cancelled',
      'membership.cancelled',
      'membership.subscribed',
      'membership.subscribed',
    ]);
  });

  it('archived plans take no new members; unknown member or plan is 404', async () => {
    const plan = await createPlan();
    await c.ok({
      method: 'PATCH',
      url: `/v1/membership-plans/${plan.planId}`,
      payload: { status: 'archived' },
    });
    const memberId = await createMember(c);
    expect((await subscribe(memberId, { planId: 'club', paymentReference: uid('pay') })).statusCode).toBe(
      422,
    );
    expect((await subscribe(memberId, { planId: 'nope', paymentReference: uid('pay') })).statusCode).toBe(
      404,
    );
    expect((await subscribe('mbr_nobody', { planId: 'club', paymentReference: uid('pay') })).statusCode).toBe(
      404,
    );
  });
});
