import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { jobDefinitions } from '../../index';
import { loadDemoProgram } from '../demo-program';

describeEachEngine('demo program', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T12:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('posts members, receipts and refunds through the real paths and leaves a clean ledger', async () => {
    const summary = await loadDemoProgram({
      db: t.db,
      tenantId: t.tenant.tenantId,
      logger: createLogger({ LOG_LEVEL: 'silent' }),
      now: t.clock.now,
      jobs: jobDefinitions,
      members: 40,
      days: 20,
    });
    expect(summary.members).toBe(40);
    expect(summary.receipts).toBeGreaterThan(150);
    const receipts = (await t.call({ method: 'GET', url: '/v1/receipts?limit=500' })).json();
    expect(receipts.items.length).toBe(summary.receipts);
    expect(receipts.items.some((r: { memberId: string | null }) => r.memberId === null)).toBe(true);
    expect(receipts.items.some((r: { pointsSpent: number }) => r.pointsSpent > 0)).toBe(true);
    const program = (await t.call({ method: 'GET', url: '/v1/program' })).json();
    expect(program.name).toBe('Кофейня «Зерно»');
    const verify = (await t.call({ method: 'GET', url: '/v1/admin/ledger/verify' })).json();
    expect(verify.problems).toEqual([]);
  }, 300_000);
});
