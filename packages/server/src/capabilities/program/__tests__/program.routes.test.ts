import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { getProgramAt } from '../program.service';

describeEachEngine('program settings API', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-01T00:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('returns the contract defaults before any change', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/program' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      currency: 'RUB',
      timezone: 'Europe/Moscow',
      pointValueMinor: 100,
      earn: {
        pointsPerUnit: '0.05',
        rounding: 'floor',
        base: 'paid',
        excludedCategories: [],
        pendingDays: 0,
        expiryDays: 365,
      },
      burn: { maxPercentOfReceipt: 30, excludedCategories: [] },
      refund: { policy: 'debt' },
      receipts: { maxDelayDays: 30 },
    });
  });

  it('deep-merges a patch and answers with the whole program', async () => {
    const res = await t.call({
      method: 'PATCH',
      url: '/v1/program',
      payload: { name: 'Demo coffee', earn: { pointsPerUnit: '2', excludedCategories: ['tobacco'] } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'Demo coffee',
      earn: { pointsPerUnit: '2', rounding: 'floor', excludedCategories: ['tobacco'] },
      burn: { maxPercentOfReceipt: 30 },
    });
    expect((await t.call({ method: 'GET', url: '/v1/program' })).json().earn.pointsPerUnit).toBe('2');
  });

  it.each([
    [{ earn: { pointsPerUnit: 0.05 } }, 'body.earn.pointsPerUnit'],
    [{ earn: { pointsPerUnit: '-1' } }, 'body.earn.pointsPerUnit'],
    [{ earn: { pointsPerUnit: '1e3' } }, 'body.earn.pointsPerUnit'],
    [{ earn: { rounding: 'banker' } }, 'body.earn.rounding'],
    [{ burn: { maxPercentOfReceipt: 101 } }, 'body.burn.maxPercentOfReceipt'],
    [{ burn: { maxPercentOfReceipt: 12.5 } }, 'body.burn.maxPercentOfReceipt'],
    [{ timezone: 'Mars/Olympus' }, 'body.timezone'],
    [{ refund: { policy: 'forgive' } }, 'body.refund.policy'],
    [{ surprise: true }, 'body.surprise'],
  ])('rejects %j naming %s', async (patch, field) => {
    const res = await t.call({ method: 'PATCH', url: '/v1/program', payload: patch });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('keeps versions: the rules in force at a past instant stay available', async () => {
    t.clock.now = new Date('2026-11-10T00:00:00Z');
    await t.call({ method: 'PATCH', url: '/v1/program', payload: { earn: { pointsPerUnit: '3' } } });
    const before = await getProgramAt(t.db, t.tenant.tenantId, new Date('2026-11-05T00:00:00Z'));
    const after = await getProgramAt(t.db, t.tenant.tenantId, new Date('2026-11-11T00:00:00Z'));
    const genesis = await getProgramAt(t.db, t.tenant.tenantId, new Date('2026-10-01T00:00:00Z'));
    expect(before.program.earn.pointsPerUnit).toBe('2');
    expect(after.program.earn.pointsPerUnit).toBe('3');
    expect(genesis.program.earn.pointsPerUnit).toBe('0.05');
    const versions = (await t.call({ method: 'GET', url: '/v1/program/versions' })).json();
    expect(versions.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });
});
