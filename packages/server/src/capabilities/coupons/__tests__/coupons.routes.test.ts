import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { calculate, confirm, createCampaign } from '../../campaigns/__tests__/campaigns-fixtures';
import { createMember, uid, verifyOk } from '../../receipts/__tests__/receipts-fixtures';

const START = Date.parse('2026-11-16T07:00:00Z');
const DAY = 86_400_000;

describeEachEngine('coupons API', (engine) => {
  let t: TestApp;
  let day = 0;
  let store = '';
  const nextDay = () => {
    day += 1;
    store = `store-${day}`;
    t.clock.now = new Date(START + day * DAY);
  };
  const scoped = (body: Record<string, unknown>) => ({ ...body, scope: { storeIds: [store] } });
  const latte = (memberId: string | null, coupons: string[] = [], amountMinor = 40000) => ({
    receiptId: uid('rcp'),
    storeId: store,
    ...(memberId ? { member: { memberId } } : {}),
    lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 2, amountMinor }],
    coupons,
  });
  const createSeries = async (body: Record<string, unknown>, status = 201) => {
    const res = await t.call({ method: 'POST', url: '/v1/coupon-series', payload: body });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };
  const codesOf = async (seriesId: string): Promise<string[]> => {
    const res = await t.call({ method: 'GET', url: `/v1/coupon-series/${seriesId}/codes?format=csv` });
    expect(res.statusCode).toBe(200);
    return res.body
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',')[0] as string);
  };

  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date(START) });
    // The first receipt creates the program's ledger accounts.
    await confirm(t, latte(await createMember(t)));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('generates a series of unique codes and serves them as CSV and JSON pages', async () => {
    nextDay();
    const series = await createSeries({
      name: 'Flyer',
      kind: 'unique',
      pattern: 'CAFE-XXXX-XXXX',
      count: 500,
    });
    expect(series).toMatchObject({
      seriesId: expect.stringMatching(/^cps_/),
      status: 'ready',
      generatedCount: 500,
      requestedCount: 500,
      progress: 1,
    });
    const csv = await t.call({ method: 'GET', url: `/v1/coupon-series/${series.seriesId}/codes?format=csv` });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain(`${series.seriesId}.csv`);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('code,status,uses,maxUses,memberId,startsAt,endsAt');
    const codes = lines.slice(1).map((row) => row.split(',')[0]);
    expect(codes).toHaveLength(500);
    expect(new Set(codes).size).toBe(500);
    for (const code of codes) expect(code).toMatch(/^CAFE-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const page = await t.call({
      method: 'GET',
      url: `/v1/coupon-series/${series.seriesId}/codes?format=json&limit=200`,
    });
    expect(page.json().items).toHaveLength(200);
    const page2 = await t.call({
      method: 'GET',
      url: `/v1/coupon-series/${series.seriesId}/codes?format=json&limit=400&cursor=${page.json().nextCursor}`,
    });
    expect(page2.json().items).toHaveLength(300);
    expect(page2.json().nextCursor).toBeNull();
  });

  it('rejects series it cannot make', async () => {
    const small = await t.call({
      method: 'POST',
      url: '/v1/coupon-series',
      payload: { name: 'x', kind: 'unique', pattern: 'AB-XX', count: 10 },
    });
    expect(small.statusCode).toBe(400);
    expect(small.json().error.details[0].field).toBe('body.pattern');
    const noCount = await t.call({
      method: 'POST',
      url: '/v1/coupon-series',
      payload: { name: 'x', kind: 'unique', pattern: 'XXXX-XXXX' },
    });
    expect(noCount.json().error.details.map((d: { field: string }) => d.field)).toEqual(['body.count']);
    const tooMany = await t.call({
      method: 'POST',
      url: '/v1/coupon-series',
      payload: { name: 'x', kind: 'unique', pattern: 'XXXX-XXXX', count: 1_000_001 },
    });
    expect(tooMany.statusCode).toBe(400);
    const campaign = await t.call({
      method: 'POST',
      url: '/v1/campaigns',
      payload: {
        name: 'x',
        effect: { type: 'discount_percent', percent: '5' },
        conditions: { couponSeriesId: 'cps_nope' },
      },
    });
    expect(campaign.statusCode).toBe(400);
    expect(campaign.json().error.details[0].field).toBe('body.conditions.couponSeriesId');
  });

  it('a series code unlocks its campaign once; bogus codes never; cancel gives the use back', async () => {
    nextDay();
    const series = await createSeries({
      name: 'Flyer 15',
      kind: 'unique',
      pattern: 'FLY-XXXXXXXX',
      count: 20,
    });
    const [code, other] = await codesOf(series.seriesId);
    await createCampaign(
      t,
      scoped({
        name: 'Flyer: 15 % off',
        conditions: { couponSeriesId: series.seriesId },
        effect: { type: 'discount_percent', percent: '15' },
      }),
    );
    const member = await createMember(t);
    expect((await calculate(t, latte(member, [code!.toLowerCase()]))).totals.discountMinor).toBe(6000);
    const first = await confirm(t, latte(member, [code!.toLowerCase()]));
    expect(first.totals.discountMinor).toBe(6000);
    expect(first.coupons.applied).toEqual([code!.toLowerCase()]);
    const check = await t.call({ method: 'GET', url: `/v1/coupons/${code}` });
    expect(check.json()).toMatchObject({
      code,
      valid: false,
      reason: 'used_up',
      uses: 1,
      maxUses: 1,
      seriesName: 'Flyer 15',
    });
    // Used up: the till gets the receipt without the discount.
    expect((await confirm(t, latte(member, [code!]))).totals.discountMinor).toBe(0);
    // A code of the right shape that was never issued.
    expect((await confirm(t, latte(member, ['FLY-22222222']))).totals.discountMinor).toBe(0);
    expect((await t.call({ method: 'GET', url: '/v1/coupons/FLY-22222222' })).statusCode).toBe(404);
    expect((await t.call({ method: 'GET', url: `/v1/coupons/${other}` })).json()).toMatchObject({
      valid: true,
      reason: null,
    });
    // Cancel: the code may be used again.
    expect((await t.call({ method: 'POST', url: `/v1/receipts/${first.receiptId}/cancel` })).statusCode).toBe(
      200,
    );
    expect((await t.call({ method: 'GET', url: `/v1/coupons/${code}` })).json()).toMatchObject({
      valid: true,
      uses: 0,
    });
    expect((await confirm(t, latte(member, [code!]))).totals.discountMinor).toBe(6000);
    expect(
      (await t.call({ method: 'GET', url: `/v1/coupon-series/${series.seriesId}` })).json().redeemed,
    ).toBe(1);
    await verifyOk(t);
  });

  it('a shared promo code with uses per code and per member', async () => {
    nextDay();
    const series = await createSeries({
      name: 'Autumn',
      kind: 'shared',
      code: 'autumn10',
      usesPerCode: 3,
      usesPerMember: 1,
    });
    expect(series).toMatchObject({ code: 'AUTUMN10', status: 'ready' });
    const duplicate = await t.call({
      method: 'POST',
      url: '/v1/coupon-series',
      payload: { name: 'again', kind: 'shared', code: 'AUTUMN10' },
    });
    expect(duplicate.statusCode).toBe(409);
    // A contract v1 campaign naming the code: the series' limits apply to it.
    await createCampaign(
      t,
      scoped({
        name: 'Autumn 10',
        conditions: { coupon: 'AUTUMN10' },
        effect: { type: 'discount_percent', percent: '10' },
      }),
    );
    const [a, b, c, d] = [
      await createMember(t),
      await createMember(t),
      await createMember(t),
      await createMember(t),
    ];
    expect((await confirm(t, latte(a, ['AUTUMN10']))).totals.discountMinor).toBe(4000);
    expect((await confirm(t, latte(a, ['AUTUMN10']))).totals.discountMinor).toBe(0);
    expect((await t.call({ method: 'GET', url: `/v1/coupons/AUTUMN10?memberId=${a}` })).json()).toMatchObject(
      { valid: false, reason: 'member_limit_reached' },
    );
    expect((await confirm(t, latte(null, ['AUTUMN10']))).totals.discountMinor).toBe(0);
    expect((await confirm(t, latte(b, ['AUTUMN10']))).totals.discountMinor).toBe(4000);
    expect((await confirm(t, latte(c, ['AUTUMN10']))).totals.discountMinor).toBe(4000);
    expect((await confirm(t, latte(d, ['AUTUMN10']))).totals.discountMinor).toBe(0);
    expect((await t.call({ method: 'GET', url: '/v1/coupons/autumn10' })).json()).toMatchObject({
      valid: false,
      reason: 'used_up',
      uses: 3,
    });
  });

  it('issue_coupon gives a personal coupon for next time, usable by that member only; cancel withdraws it', async () => {
    nextDay();
    const series = await createSeries({
      name: 'Come back',
      kind: 'personal',
      pattern: 'BACK-XXXX-XXXX',
      validDays: 30,
    });
    await createCampaign(
      t,
      scoped({
        name: 'Big basket',
        conditions: { minAmountMinor: 100000 },
        effect: { type: 'issue_coupon', seriesId: series.seriesId },
      }),
    );
    await createCampaign(
      t,
      scoped({
        name: 'Welcome back 20',
        conditions: { couponSeriesId: series.seriesId },
        effect: { type: 'discount_percent', percent: '20' },
      }),
    );
    const [owner, stranger] = [await createMember(t), await createMember(t)];
    expect((await confirm(t, latte(owner))).effects).toEqual([]);
    const big = await confirm(t, latte(owner, [], 150000));
    expect(big.effects).toEqual([
      expect.objectContaining({
        kind: 'issue_coupon',
        description: 'Big basket: a personal coupon for the next purchase',
        descriptionRu: 'Big basket: персональный купон на следующую покупку',
      }),
    ]);
    const mine = (await t.call({ method: 'GET', url: `/v1/members/${owner}/coupons` })).json().items;
    expect(mine).toHaveLength(1);
    const coupon = mine[0];
    expect(coupon).toMatchObject({
      seriesId: series.seriesId,
      memberId: owner,
      status: 'active',
      uses: 0,
      maxUses: 1,
    });
    expect(Date.parse(coupon.endsAt) - t.clock.now.getTime()).toBe(30 * DAY);
    expect((await confirm(t, latte(stranger, [coupon.code]))).totals.discountMinor).toBe(0);
    expect(
      (await t.call({ method: 'GET', url: `/v1/coupons/${coupon.code}?memberId=${stranger}` })).json().reason,
    ).toBe('other_member');
    expect((await confirm(t, latte(owner, [coupon.code]))).totals.discountMinor).toBe(8000);

    // A coupon issued by a receipt that is then cancelled is withdrawn if still unused.
    const again = await confirm(t, latte(stranger, [], 150000));
    const issued = (await t.call({ method: 'GET', url: `/v1/members/${stranger}/coupons` })).json().items[0];
    await t.call({ method: 'POST', url: `/v1/receipts/${again.receiptId}/cancel` });
    expect((await t.call({ method: 'GET', url: `/v1/coupons/${issued.code}` })).json()).toMatchObject({
      status: 'void',
      valid: false,
      reason: 'void',
    });
    // Issued by hand through the API as well.
    const manual = await t.call({
      method: 'POST',
      url: `/v1/coupon-series/${series.seriesId}/coupons`,
      payload: { memberId: stranger },
    });
    expect(manual.statusCode, manual.body).toBe(201);
    expect(manual.json().code).toMatch(/^BACK-/);
  });

  it('large series are generated in the background with progress', async () => {
    nextDay();
    const count = 25_000;
    const started = await createSeries(
      { name: 'Big flyer', kind: 'unique', pattern: 'BIG-XXXX-XXXX', count },
      202,
    );
    expect(started.status).toBe('generating');
    let view = started;
    for (let i = 0; i < 600 && view.status === 'generating'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = (await t.call({ method: 'GET', url: `/v1/coupon-series/${started.seriesId}` })).json();
      expect(view.generatedCount).toBeLessThanOrEqual(count);
    }
    expect(view).toMatchObject({ status: 'ready', generatedCount: count, progress: 1 });
    const rows = await t.db
      .selectFrom('coupon')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('series_id', '=', started.seriesId)
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(count);
  });
});
