import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../platform/db';
import { describeEachEngine } from '../../../testing/engines';
import { seedTenant } from '../../../testing/test-app';
import { expireDueLots } from '../ledger.jobs';
import { listHistory } from '../ledger.service';
import { accrue, getBalance, spend, verify, walletRef } from './ledger-fixtures';

const DAY = 86_400_000;

describeEachEngine('set-based expiry', (engine) => {
  let h: DatabaseHandle;
  let tenantId: string;

  beforeAll(async () => {
    h = await engine.open();
    tenantId = (await seedTenant(h.db)).tenantId;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('expires many members in batches: per member one operation, its postings, balance and history entry', async () => {
    const t0 = new Date('2026-03-01T00:00:00Z');
    const at = new Date(t0.getTime() + 100 * DAY);
    // Member i has lots due at `at` and one that is not; some spent part of a due lot first.
    const members = Array.from({ length: 23 }, () => walletRef(tenantId));
    const expected = new Map<string, { expired: number; left: number }>();
    for (const [i, ref] of members.entries()) {
      let expired = 0;
      let left = 0;
      for (let k = 0; k <= i % 3; k++) {
        await accrue(h.db, ref, 10 + k, t0, { expiresAt: new Date(t0.getTime() + (50 + k) * DAY) });
        expired += 10 + k;
      }
      await accrue(h.db, ref, 7, t0, { expiresAt: new Date(at.getTime() + DAY) });
      left += 7;
      if (i % 4 === 0) {
        // Takes the soonest-expiring points: what is spent never expires.
        await spend(h.db, ref, 4, t0);
        expired -= 4;
      }
      expected.set(ref.memberId, { expired, left });
    }
    const dueLots = members.reduce((n, _ref, i) => n + 1 + (i % 3), 0);

    // Two nodes running the job at once: every due lot expires exactly once.
    const [a, b] = await Promise.all([expireDueLots(h.db, at, 5), expireDueLots(h.db, at, 7)]);
    expect(a + b).toBe(dueLots);
    expect(await expireDueLots(h.db, at, 5)).toBe(0);

    for (const ref of members) {
      const want = expected.get(ref.memberId)!;
      expect((await getBalance(h.db, tenantId, ref.memberId, at)).available).toBe(want.left);
      const history = (await listHistory(h.db, tenantId, ref.memberId, { limit: 1 })).items;
      expect(history.map((e) => [e.kind, e.points, e.balanceAfter])).toEqual([
        ['expire', -want.expired, want.left],
      ]);
    }
    const ops = await h.db
      .selectFrom('posting')
      .innerJoin('operation', 'operation.id', 'posting.operation_id')
      .select(['posting.member_id', 'posting.operation_id'])
      .where('operation.scope', '=', 'job:expire')
      .where('posting.tenant_id', '=', tenantId)
      .execute();
    expect(ops).toHaveLength(dueLots);
    // One operation per member, never shared between members.
    const membersByOp = new Map<string, Set<string | null>>();
    for (const o of ops)
      membersByOp.set(o.operation_id, (membersByOp.get(o.operation_id) ?? new Set()).add(o.member_id));
    expect(membersByOp.size).toBe(members.length);
    expect([...membersByOp.values()].every((s) => s.size === 1)).toBe(true);
    expect((await verify(h.db, tenantId)).problems).toEqual([]);
  });

  it('expires only what a purchase left of a lot, whichever commits first', async () => {
    const t0 = new Date('2026-05-01T00:00:00Z');
    const at = new Date(t0.getTime() + 30 * DAY);
    const ref = walletRef(tenantId);
    await accrue(h.db, ref, 20, t0, { expiresAt: at });
    await accrue(h.db, ref, 5, t0, { expiresAt: null });
    // Spent before the expiry instant; the job runs later for `at`.
    await spend(h.db, ref, 12, new Date(at.getTime() - 1));
    expect(await expireDueLots(h.db, at)).toBe(1);
    expect((await getBalance(h.db, tenantId, ref.memberId, at)).available).toBe(5);
    const history = (await listHistory(h.db, tenantId, ref.memberId, { limit: 1 })).items;
    expect(history.map((e) => [e.kind, e.points])).toEqual([['expire', -8]]);
    expect((await verify(h.db, tenantId)).problems).toEqual([]);
  });
});
