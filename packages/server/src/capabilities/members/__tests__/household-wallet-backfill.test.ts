import { afterAll, beforeAll, expect, it } from 'vitest';
import { up as poolExistingHouseholds } from '../../../migrations/2026_11_22_001001_pool_existing_household_wallets';
import { up as backfillForwardReasons } from '../../../migrations/2026_11_22_001201_backfill_account_forward_reason';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { uid, verifyOk } from '../../receipts/__tests__/receipts-fixtures';
import { walletHelpers } from './wallet-fixtures';

// The data migration that pools households made before pooling existed: members with points,
// pending points and debt are seeded, their household is written the way it was before pooling
// (rows only, no wallet), then the backfill runs; the ledger must verify and balances be pooled.
describeEachEngine('household wallet backfill', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = async (method: 'POST' | 'GET' | 'PATCH', url: string, payload?: unknown, key?: string) => {
    const res = await t.call({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: key ? { 'idempotency-key': key } : {},
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };
  const member = async (phone: string) => (await call('POST', '/v1/members', { phone })).memberId as string;
  const adjust = (memberId: string, points: number) =>
    call('POST', `/v1/members/${memberId}/adjustments`, { points, reason: 'seed' }, uid('adj'));
  const receipt = (memberId: string, amountMinor: number) =>
    call('POST', '/v1/receipts/confirm', {
      receiptId: uid('bf'),
      member: { memberId },
      lines: [{ lineId: '1', sku: 'X', category: 'coffee', quantity: 1, amountMinor }],
    });

  it('moves every member’s points, pending points and debt into the owner’s wallet', async () => {
    await call('PATCH', '/v1/program', { earn: { pendingDays: 0 }, refund: { policy: 'debt' } });
    const [owner, kid, uncle] = [
      await member('+79195550001'),
      await member('+79195550002'),
      await member('+79195550003'),
    ];
    await adjust(owner, 100);
    await adjust(kid, 40);
    // The uncle owes 20: earned 20, gave them away, then the receipt was cancelled.
    const r = await receipt(uncle, 40000);
    await adjust(uncle, -20);
    await call('POST', `/v1/receipts/${r.receiptId}/cancel`);
    await call('PATCH', '/v1/program', { earn: { pendingDays: 14 } });
    await receipt(kid, 20000); // 10 pending
    const householdId = 'hh_backfill';
    await t.db
      .insertInto('household')
      .values({ id: householdId, tenant_id: t.tenant.tenantId, name: 'Old family', wallet_member_id: null })
      .execute();
    await t.db
      .insertInto('household_member')
      .values([
        { tenant_id: t.tenant.tenantId, household_id: householdId, member_id: owner, role: 'owner' },
        { tenant_id: t.tenant.tenantId, household_id: householdId, member_id: kid, role: 'member' },
        { tenant_id: t.tenant.tenantId, household_id: householdId, member_id: uncle, role: 'member' },
      ])
      .execute();

    await poolExistingHouseholds(t.db);
    // Migrations run in order: the reason every forward carries is recorded by a later one.
    await backfillForwardReasons(t.db);

    for (const m of [owner, kid, uncle]) {
      const b = await call('GET', `/v1/members/${m}/balance`);
      expect(b.points).toMatchObject({ available: 120, pending: 10 });
      expect(b.householdId).toBe(householdId);
    }
    expect((await call('GET', `/v1/households/${householdId}`)).walletMemberId).toBe(owner);
    await verifyOk(t);
    // From now on the kid spends from the shared wallet.
    await call('PATCH', '/v1/program', { earn: { pendingDays: 0 } });
    const spent = await call('POST', '/v1/receipts/confirm', {
      receiptId: uid('bf'),
      member: { memberId: kid },
      lines: [{ lineId: '1', sku: 'X', category: 'coffee', quantity: 1, amountMinor: 40000 }],
      pointsToSpend: 120,
    });
    expect(spent.balance.available).toBe(14); // 5 % of the 280 RUB paid in money
    await verifyOk(t);
  });

  // The data migration that records why accounts forwarded before the reason existed: the
  // reasons are wiped the way rows of that time were, then the backfill runs.
  it('records merged members’ forwards as merges and every other forward as a household’s', async () => {
    const w = walletHelpers(() => t);
    const [owner, kid, survivor, dup] = [
      await w.member(),
      await w.member(),
      await w.member(),
      await w.member(),
    ];
    await w.adjust(kid.memberId, 10);
    await w.adjust(dup.memberId, 20);
    await w.household(owner.memberId, [kid.memberId]);
    expect((await w.merge(survivor.memberId, dup.memberId)).statusCode).toBe(200);
    const reasons = async () =>
      (
        await t.db
          .selectFrom('account')
          .select(['member_id', 'kind', 'forwarded_to', 'forward_reason'])
          .where('tenant_id', '=', t.tenant.tenantId)
          .where('member_id', 'is not', null)
          .orderBy('member_id')
          .orderBy('kind')
          .execute()
      ).map((a) => [a.member_id, a.kind, a.forwarded_to, a.forward_reason]);
    const before = await reasons();
    expect(before).toContainEqual([kid.memberId, 'available', owner.memberId, 'household']);
    expect(before).toContainEqual([dup.memberId, 'pending', survivor.memberId, 'merge']);

    await t.db
      .updateTable('account')
      .set({ forward_reason: null })
      .where('tenant_id', '=', t.tenant.tenantId)
      .execute();
    await backfillForwardReasons(t.db);
    // The same reasons again, the households pooled by the older backfill (first test) included.
    expect(await reasons()).toEqual(
      before.map(([m, kind, to, reason]) => [m, kind, to, to === null ? null : (reason ?? 'household')]),
    );
    await verifyOk(t);
  });
});
