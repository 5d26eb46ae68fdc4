import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { uid, verifyOk } from '../../receipts/__tests__/receipts-fixtures';
import { WALLET_PROGRAM, walletHelpers } from './wallet-fixtures';

describeEachEngine('merging duplicate members', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
    const res = await t.call({ method: 'PATCH', url: '/v1/program', payload: WALLET_PROGRAM });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  const { member, adjust, balance, confirm, merge, household, oncePerMemberOffer } = walletHelpers(() => t);
  const timelineTypes = async (memberId: string) =>
    (await t.call({ method: 'GET', url: `/v1/members/${memberId}/timeline` }))
      .json()
      .items.map((i: { type: string }) => i.type);

  it('moves points, receipts, cards, consents, notes and profile; the duplicate answers with the survivor', async () => {
    const survivor = await member({
      tags: ['vip'],
      attributes: {},
      consents: [{ channel: 'email', purpose: 'marketing', granted: false }],
    });
    const dup = await member({
      email: 'dup@example.com',
      externalId: 'crm-77',
      firstName: 'Ivan',
      tags: ['wholesale'],
    });
    await adjust(survivor.memberId, 10);
    await adjust(dup.memberId, 50, '2027-02-01T00:00:00.000Z');
    const old = await confirm({ memberId: dup.memberId }, 40000, 20); // spends 20, earns 19
    expect(old.statusCode, old.body).toBe(201);
    t.clock.now = new Date('2026-11-22T10:05:00Z');
    const consent = await t.call({
      method: 'POST',
      url: `/v1/members/${dup.memberId}/consents`,
      payload: { channel: 'email', purpose: 'marketing', granted: true },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    await t.call({
      method: 'POST',
      url: `/v1/members/${dup.memberId}/notes`,
      payload: { text: 'duplicate of the card holder' },
    });
    // A reservation on the duplicate is released by the merge.
    const calc = await t.call({
      method: 'POST',
      url: '/v1/receipts/calculate',
      payload: {
        receiptId: uid('held'),
        member: { memberId: dup.memberId },
        lines: [{ lineId: '1', sku: 'X', category: 'coffee', quantity: 1, amountMinor: 20000 }],
        pointsToSpend: 30,
        reservePoints: true,
      },
    });
    expect(calc.statusCode, calc.body).toBe(200);

    const key = uid('merge');
    const res = await merge(survivor.memberId, dup.memberId, key);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.merged).toEqual({
      duplicateMemberId: dup.memberId,
      pointsMoved: { points: 49 },
      lotsMoved: 2,
      receiptsMoved: 1,
      cardsMoved: 1,
      consentsMoved: 1,
      notesMoved: 1,
      fieldsTaken: ['email', 'externalId', 'firstName'],
      tierCode: null,
      householdId: null,
    });
    expect(body.member).toMatchObject({
      memberId: survivor.memberId,
      phone: survivor.phone,
      email: 'dup@example.com',
      externalId: 'crm-77',
      tags: ['vip', 'wholesale'],
      status: 'active',
    });
    expect(body.member.consents).toContainEqual(
      expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: true }),
    );
    const b = (await balance(survivor.memberId)).points;
    expect(b.available).toBe(59);
    expect(b.expiring).toContainEqual({ points: 30, expiresAt: '2027-02-01T00:00:00.000Z' });

    // The duplicate: merged, no identifiers, answered with the survivor.
    const gone = (await t.call({ method: 'GET', url: `/v1/members/${dup.memberId}` })).json();
    expect(gone).toMatchObject({ status: 'merged', mergedInto: survivor.memberId, phone: null, email: null });
    const byEmail = (await t.call({ method: 'GET', url: '/v1/members?email=dup@example.com' })).json();
    expect(byEmail.items.map((m: { memberId: string }) => m.memberId)).toEqual([survivor.memberId]);
    expect(
      (await t.call({ method: 'GET', url: `/v1/members?phone=${encodeURIComponent(dup.phone)}` })).json()
        .items,
    ).toEqual([]);

    // A till with the old id or the old card is served the survivor.
    const byOldId = await confirm({ memberId: dup.memberId }, 20000, 10);
    expect(byOldId.statusCode, byOldId.body).toBe(201);
    expect(byOldId.json().memberId).toBe(survivor.memberId);
    const byOldCard = await confirm({ cardNumber: dup.cardNumber }, 20000);
    expect(byOldCard.json().memberId).toBe(survivor.memberId);
    expect((await balance(survivor.memberId)).points.available).toBe(59 - 10 + 9 + 10);

    // A refund of the duplicate's old receipt returns its points to the survivor.
    const refund = await t.call({
      method: 'POST',
      url: `/v1/receipts/${old.json().receiptId}/refund`,
      payload: { refundId: uid('rf') },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    expect((await balance(survivor.memberId)).points.available).toBe(68 + 20 - 19);

    // Same key, or the same pair again: the same answer; into someone else: 409.
    const replay = await merge(survivor.memberId, dup.memberId, key);
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toBe(res.body);
    const again = await merge(survivor.memberId, dup.memberId);
    expect(again.statusCode).toBe(200);
    expect(again.json().merged).toEqual(body.merged);
    const other = await member();
    const elsewhere = await merge(other.memberId, dup.memberId);
    expect(elsewhere.statusCode).toBe(409);
    expect(elsewhere.json().error.details.mergedInto).toBe(survivor.memberId);

    // Writes to the merged id are refused with the survivor named.
    const adj = await t.call({
      method: 'POST',
      url: `/v1/members/${dup.memberId}/adjustments`,
      headers: { 'idempotency-key': uid('adj') },
      payload: { points: 5, reason: 'x' },
    });
    expect(adj.statusCode).toBe(409);
    const patch = await t.call({
      method: 'PATCH',
      url: `/v1/members/${dup.memberId}`,
      payload: { firstName: 'X' },
    });
    expect(patch.statusCode).toBe(409);
    const consentLater = await t.call({
      method: 'POST',
      url: `/v1/members/${dup.memberId}/consents`,
      payload: { channel: 'sms', purpose: 'marketing', granted: true },
    });
    expect(consentLater.statusCode).toBe(409);
    expect(consentLater.json().error.details.mergedInto).toBe(survivor.memberId);

    expect(await timelineTypes(survivor.memberId)).toContain('member.merged');
    expect(await timelineTypes(dup.memberId)).toContain('member.merged_into');
    const outbox = await t.db
      .selectFrom('event_outbox')
      .select(['type', 'member_id'])
      .where('tenant_id', '=', t.tenant.tenantId)
      .where('type', '=', 'member.merged')
      .execute();
    expect(outbox).toEqual([{ type: 'member.merged', member_id: survivor.memberId }]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('target_id')
      .where('tenant_id', '=', t.tenant.tenantId)
      .where('action', '=', 'member.merged')
      .execute();
    expect(audit).toEqual([{ target_id: survivor.memberId }]);
    await verifyOk(t);
  });

  it('adds the duplicate’s per-member campaign limits to the survivor’s: a once-per-member offer is not taken twice', async () => {
    const storeId = 'store-once-per-member';
    const offer = await oncePerMemberOffer(storeId);
    const buy = async (memberId: string) => {
      const res = await confirm({ memberId }, 20000, 0, storeId);
      expect(res.statusCode, res.body).toBe(201);
      return { receiptId: res.json().receiptId as string, bonus: offer.applied(res.json()) };
    };
    const counters = async () =>
      (
        await t.db
          .selectFrom('campaign_counter')
          .select(['scope_key', 'uses'])
          .where('tenant_id', '=', t.tenant.tenantId)
          .where('campaign_id', '=', offer.campaignId)
          .orderBy('scope_key')
          .execute()
      ).map((c) => [c.scope_key, Number(c.uses)]);

    const [survivor, dup] = [await member(), await member()];
    const used = await buy(dup.memberId);
    expect(used.bonus).toBe(true);
    expect((await buy(dup.memberId)).bonus).toBe(false);
    const key = uid('merge');
    expect((await merge(survivor.memberId, dup.memberId, key)).statusCode).toBe(200);
    expect(await counters()).toEqual([[`member:${survivor.memberId}:ever`, 1]]);
    // The survivor never took the offer itself, but the person did, as the duplicate.
    expect((await buy(survivor.memberId)).bonus).toBe(false);
    expect((await buy(dup.memberId)).bonus).toBe(false);
    // A retried merge (same key, or the same pair) adds nothing twice.
    expect((await merge(survivor.memberId, dup.memberId, key)).statusCode).toBe(200);
    expect((await merge(survivor.memberId, dup.memberId)).statusCode).toBe(200);
    expect(await counters()).toEqual([[`member:${survivor.memberId}:ever`, 1]]);
    // Cancelling the duplicate's old receipt gives the use back, to the survivor.
    const cancel = await t.call({ method: 'POST', url: `/v1/receipts/${used.receiptId}/cancel` });
    expect(cancel.statusCode, cancel.body).toBeLessThan(300);
    expect(await counters()).toEqual([[`member:${survivor.memberId}:ever`, 0]]);
    expect((await buy(survivor.memberId)).bonus).toBe(true);

    // Both used it: the survivor's counter holds both uses.
    const [s2, d2] = [await member(), await member()];
    expect((await buy(s2.memberId)).bonus).toBe(true);
    expect((await buy(d2.memberId)).bonus).toBe(true);
    expect((await merge(s2.memberId, d2.memberId)).statusCode).toBe(200);
    expect(await counters()).toContainEqual([`member:${s2.memberId}:ever`, 2]);
    expect((await counters()).some(([k]) => String(k).includes(d2.memberId))).toBe(false);
    expect((await buy(s2.memberId)).bonus).toBe(false);
    await verifyOk(t);
  });

  it('refuses self-merges, erased members, unknown members and two households', async () => {
    const [a, b, c, d] = [await member(), await member(), await member(), await member()];
    const self = await merge(a.memberId, a.memberId);
    expect(self.statusCode).toBe(422);
    expect((await merge(a.memberId, 'mbr_nobody')).statusCode).toBe(404);
    expect((await merge('mbr_nobody', a.memberId)).statusCode).toBe(404);
    expect((await t.call({ method: 'POST', url: `/v1/members/${b.memberId}/erase` })).statusCode).toBe(200);
    const erased = await merge(a.memberId, b.memberId);
    expect(erased.statusCode).toBe(409);
    for (const owner of [a, c]) await household(owner.memberId);
    const both = await merge(a.memberId, c.memberId);
    expect(both.statusCode).toBe(409);
    expect(both.json().error.details.householdIds).toHaveLength(2);
    const bad = await t.call({
      method: 'POST',
      url: `/v1/members/${a.memberId}/merge`,
      payload: { duplicateMemberId: 'x y' },
    });
    expect(bad.statusCode).toBe(400);
    // Merged into d: a later merge into the merged member names where it went.
    expect((await merge(d.memberId, a.memberId)).statusCode).toBe(200);
    const intoMerged = await merge(a.memberId, c.memberId);
    expect(intoMerged.statusCode).toBe(409);
    expect(intoMerged.json().error.details.mergedInto).toBe(d.memberId);
    await verifyOk(t);
  });
});
