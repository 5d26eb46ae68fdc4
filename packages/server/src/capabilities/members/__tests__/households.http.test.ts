import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, seedTenant, type TestApp } from '../../../testing/test-app';

describeEachEngine('Households API', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });
  const member = async (phone: string) =>
    (await t.call({ method: 'POST', url: '/v1/members', payload: { phone } })).json().memberId as string;

  it('groups members under one owner, one household per member', async () => {
    const [owner, kid, other] = [
      await member('+79190000001'),
      await member('+79190000002'),
      await member('+79190000003'),
    ];
    const created = await t.call({
      method: 'POST',
      url: '/v1/households',
      payload: { name: 'Petrov family', ownerMemberId: owner },
    });
    expect(created.statusCode).toBe(201);
    const h = created.json();
    expect(h).toMatchObject({ kind: 'family', members: [{ memberId: owner, role: 'owner' }] });
    const added = await t.call({
      method: 'POST',
      url: `/v1/households/${h.householdId}/members`,
      payload: { memberId: kid },
    });
    expect(added.json().members.map((m: { memberId: string }) => m.memberId)).toEqual([owner, kid]);
    expect((await t.call({ method: 'GET', url: `/v1/members/${kid}` })).json().householdId).toBe(
      h.householdId,
    );

    const twice = await t.call({
      method: 'POST',
      url: '/v1/households',
      payload: { name: 'Other', kind: 'company', ownerMemberId: kid },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.details.householdId).toBe(h.householdId);
    const secondOwner = await t.call({
      method: 'POST',
      url: `/v1/households/${h.householdId}/members`,
      payload: { memberId: other, role: 'owner' },
    });
    expect(secondOwner.statusCode).toBe(409);

    const ownerLeaves = await t.call({
      method: 'DELETE',
      url: `/v1/households/${h.householdId}/members/${owner}`,
    });
    expect(ownerLeaves.statusCode).toBe(409);
    const kidLeaves = await t.call({
      method: 'DELETE',
      url: `/v1/households/${h.householdId}/members/${kid}`,
    });
    expect(kidLeaves.json().members).toHaveLength(1);
    const timeline = (await t.call({ method: 'GET', url: `/v1/members/${kid}/timeline` })).json();
    expect(timeline.items.map((i: { type: string }) => i.type).slice(0, 2)).toEqual([
      'household.left',
      'household.joined',
    ]);

    const b = await seedTenant(t.db);
    expect(
      (await t.call({ method: 'GET', url: `/v1/households/${h.householdId}`, key: b.apiKey })).statusCode,
    ).toBe(404);
    const foreign = await t.call({
      method: 'POST',
      url: '/v1/households',
      key: b.apiKey,
      payload: { name: 'Theft', ownerMemberId: other },
    });
    expect(foreign.statusCode).toBe(404);
  });
});
