import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { verifyOk } from '../../receipts/__tests__/receipts-fixtures';
import { WALLET_PROGRAM, walletHelpers } from './wallet-fixtures';

// Merges that touch households and tiers, and receipts racing a merge.
describeEachEngine('merging duplicate members: households, tiers, races', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
    const res = await t.call({ method: 'PATCH', url: '/v1/program', payload: WALLET_PROGRAM });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });
  const { member, adjust, balance, confirm, merge, household, addToHousehold, oncePerMemberOffer } =
    walletHelpers(() => t);

  it('the survivor takes the household seat and the higher tier; a merged wallet holder hands the wallet over', async () => {
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
            discountPercent: '0',
            earnMultiplier: '1',
          },
          {
            code: 'gold',
            name: 'Gold',
            qualifyingSpendMinor: 10_000_000,
            discountPercent: '0',
            earnMultiplier: '1',
          },
        ],
      },
    });
    expect(ladder.statusCode, ladder.body).toBe(200);
    // The duplicate holds the household wallet (it owns the household) and has gold by hand.
    const [survivor, dupOwner, kid] = [await member(), await member(), await member()];
    await adjust(survivor.memberId, 5);
    await adjust(dupOwner.memberId, 100);
    await adjust(kid.memberId, 20);
    const householdId = await household(dupOwner.memberId, [kid.memberId]);
    const gold = await t.call({
      method: 'PUT',
      url: `/v1/members/${dupOwner.memberId}/tier/override`,
      payload: { tierCode: 'gold', until: '2027-06-01T00:00:00Z', reason: 'VIP' },
    });
    expect(gold.statusCode, gold.body).toBe(200);

    const res = await merge(survivor.memberId, dupOwner.memberId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().merged).toMatchObject({ pointsMoved: { points: 120 }, tierCode: 'gold', householdId });
    expect(res.json().member.householdId).toBe(householdId);
    const hh = (await t.call({ method: 'GET', url: `/v1/households/${householdId}` })).json();
    expect(hh.walletMemberId).toBe(survivor.memberId);
    expect(hh.members.map((m: { memberId: string; role: string }) => [m.memberId, m.role])).toEqual([
      [survivor.memberId, 'owner'],
      [kid.memberId, 'member'],
    ]);
    // Everyone shares one wallet: the survivor's 5, the household's 120.
    expect((await balance(kid.memberId)).points.available).toBe(125);
    expect((await balance(survivor.memberId)).points.available).toBe(125);
    const spent = await confirm({ cardNumber: kid.cardNumber }, 100000, 125);
    expect(spent.statusCode, spent.body).toBe(201);
    expect((await balance(survivor.memberId)).points.available).toBe(43); // 125 spent, 5 % of 875 RUB earned
    expect((await balance(survivor.memberId)).tier).toEqual({ code: 'gold', name: 'Gold' });

    // A pooled household member merged into an outsider: the outsider joins and pools.
    const [outsider, pooledDup] = [await member(), await member()];
    await adjust(outsider.memberId, 7);
    await addToHousehold(householdId, pooledDup.memberId);
    const second = await merge(outsider.memberId, pooledDup.memberId);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().merged.pointsMoved).toEqual({ points: 0 });
    expect((await balance(outsider.memberId)).points.available).toBe(50);
    expect((await balance(kid.memberId)).points.available).toBe(50);
    await verifyOk(t);
  });

  const receiptMembers = async (receiptIds: string[]) =>
    (
      await t.db
        .selectFrom('receipt')
        .select('member_id')
        .where('tenant_id', '=', t.tenant.tenantId)
        .where('id', 'in', receiptIds)
        .execute()
    ).map((r) => r.member_id);

  it('receipts racing a merge follow the duplicate to the survivor', async () => {
    const [survivor, dup] = [await member(), await member()];
    await adjust(dup.memberId, 100);
    const [merged, ...receipts] = await Promise.all([
      merge(survivor.memberId, dup.memberId),
      ...Array.from({ length: 8 }, () => confirm({ cardNumber: dup.cardNumber }, 20000, 10)),
    ]);
    expect(merged!.statusCode, merged!.body).toBe(200);
    expect(receipts.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    // 100 − 8 × 10 spent + 8 × 9 earned, all in the survivor's wallet whichever side of the merge.
    expect((await balance(survivor.memberId)).points.available).toBe(92);
    // Receipts confirmed before the merge moved with it; those after it, or that waited for it
    // on the account lock, were written for the survivor.
    expect(await receiptMembers(receipts.map((r) => r.json().receiptId))).toEqual(
      Array(8).fill(survivor.memberId),
    );
    await verifyOk(t);
  });

  // The window above deterministically: every receipt has resolved the duplicate (still active)
  // and waits on its account lock behind the merge.
  it.runIf(engine.name === 'postgres')(
    'a receipt that waited on the account lock for a merge of its member is the survivor’s',
    async () => {
      const storeId = 'store-race';
      const offer = await oncePerMemberOffer(storeId);
      const buy = (cardNumber: string, pointsToSpend = 0) =>
        confirm({ cardNumber }, 20000, pointsToSpend, storeId);
      const [survivor, dup] = [await member(), await member()];
      await adjust(dup.memberId, 100);
      const first = await buy(dup.cardNumber); // takes the offer, earns 10 + 50
      expect(offer.applied(first.json())).toBe(true);

      const waiting = async () =>
        Number(
          (
            await sql<{ n: string }>`select count(*) as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db)
          ).rows[0]?.n,
        );
      const untilWaiting = async (n: number) => {
        for (let i = 0; i < 1000 && (await waiting()) < n; i++) await new Promise((r) => setTimeout(r, 10));
        expect(await waiting()).toBe(n);
      };
      let pending: Promise<Awaited<ReturnType<typeof buy>>>[] = [];
      // Hold the duplicate's account lock, queue the merge on it, then the receipts behind it.
      await t.db.transaction().execute(async (trx) => {
        await trx
          .selectFrom('account')
          .select('id')
          .where('tenant_id', '=', t.tenant.tenantId)
          .where('member_id', '=', dup.memberId)
          .forUpdate()
          .execute();
        pending = [merge(survivor.memberId, dup.memberId)];
        await untilWaiting(1);
        pending.push(...Array.from({ length: 4 }, () => buy(dup.cardNumber, 10)));
        await untilWaiting(5);
      });
      const [merged, ...receipts] = await Promise.all(pending);
      expect(merged!.statusCode, merged!.body).toBe(200);
      expect(merged!.json().merged.receiptsMoved).toBe(1);
      expect(receipts.map((r) => r.statusCode)).toEqual(Array(4).fill(201));
      const bodies = receipts.map((r) => r.json());
      // Each answered, was written and was counted for the survivor: the offer the person took
      // as the duplicate is not taken again.
      expect(bodies.map((b) => b.memberId)).toEqual(Array(4).fill(survivor.memberId));
      expect(bodies.map(offer.applied)).toEqual(Array(4).fill(false));
      expect(await receiptMembers(bodies.map((b) => b.receiptId))).toEqual(Array(4).fill(survivor.memberId));
      // 100 + 60, − 4 × 10 spent + 4 × 9 earned.
      expect((await balance(survivor.memberId)).points.available).toBe(156);
      await verifyOk(t);
    },
  );
});
