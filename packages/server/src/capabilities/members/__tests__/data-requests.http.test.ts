import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import type { SmsMessage } from '../../verifications/sms-sender';
import { sendVerification } from '../../verifications/verifications.service';

/** Every (table, column) of a textual type in the public schema where `needle` appears. */
async function findEverywhere(t: TestApp, needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
    where c.table_schema = 'public' and tb.table_type = 'BASE TABLE'
      and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb')
           or (c.data_type = 'ARRAY' and c.udt_name in ('_text', '_varchar')))`.execute(t.db);
  expect(columns.rows.length).toBeGreaterThan(20);
  const byTable = new Map<string, string[]>();
  for (const c of columns.rows)
    byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
  const hits: string[] = [];
  for (const [table, cols] of byTable) {
    // One scan per table: a flag per column.
    const r = await sql<Record<string, boolean | null>>`
      select ${sql.join(
        cols.map((c, i) => sql`bool_or(${sql.ref(c)}::text ilike ${`%${needle}%`}) as ${sql.ref(`c${i}`)}`),
      )}
      from ${sql.table(table)}`.execute(t.db);
    cols.forEach((c, i) => {
      if (r.rows[0]?.[`c${i}`]) hits.push(`${table}.${c}`);
    });
  }
  return hits;
}

describeEachEngine('Data-subject requests', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('exports everything about a member, then erases every trace of the person', async () => {
    const person = {
      phone: '+79161239876',
      email: 'Evdokia.Zamyatina@example.org',
      firstName: 'Evdokia',
      lastName: 'Zamyatina',
      birthDate: '1984-03-09',
      externalId: 'crm-zamyatina-42',
    };
    await t.call({
      method: 'PUT',
      url: '/v1/member-attributes',
      payload: { items: [{ key: 'nickname', type: 'string' }] },
    });
    const created = await t.call({
      method: 'POST',
      url: '/v1/members',
      payload: {
        ...person,
        tags: ['Zamyatina-family'],
        attributes: { nickname: 'Dusya Zamyatina' },
        consents: [
          {
            channel: 'sms',
            purpose: 'marketing',
            granted: true,
            evidence: { ip: '198.51.100.23', note: 'Zamyatina' },
          },
          { purpose: 'personal_data', granted: true, textVersion: 'v3' },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    const m = created.json();
    const id = m.memberId;
    // Touch every place a person's data can reach: notes, blocks, cards, codes, QR, points.
    await t.call({
      method: 'POST',
      url: `/v1/members/${id}/notes`,
      payload: { text: 'Evdokia Zamyatina asked for a receipt copy' },
    });
    await t.call({
      method: 'POST',
      url: `/v1/members/${id}/block`,
      payload: { reason: 'Zamyatina chargeback' },
    });
    await t.call({ method: 'POST', url: `/v1/members/${id}/unblock` });
    await t.call({
      method: 'PATCH',
      url: `/v1/members/${id}`,
      payload: { email: 'evdokia.zamyatina@example.org' },
    });
    await t.call({ method: 'POST', url: `/v1/members/${id}/cards`, payload: { cardNumber: 'OLD-777' } });
    await t.call({ method: 'GET', url: `/v1/members/${id}/qr-token` });
    await sendVerification(t.db, {
      tenantId: t.tenant.tenantId,
      phone: person.phone,
      now: t.clock.now,
      sender: { name: 'test', send: async (_m: SmsMessage) => {} },
    });
    const adjust = await t.call({
      method: 'POST',
      url: `/v1/members/${id}/adjustments`,
      headers: { 'idempotency-key': 'dsr-1' },
      payload: { points: 150, reason: 'welcome' },
    });
    expect(adjust.statusCode).toBe(201);
    const receipt = await t.call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: {
        receiptId: 'dsr-r1',
        member: { phone: '8 916 123 98 76' },
        lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 1, amountMinor: 30000 }],
      },
    });
    expect(receipt.statusCode).toBe(201);

    const exported = await t.call({ method: 'GET', url: `/v1/members/${id}/export` });
    expect(exported.statusCode).toBe(200);
    const doc = exported.json();
    expect(doc.member).toMatchObject({ memberId: id, phone: person.phone, lastName: 'Zamyatina' });
    expect(doc.cards).toHaveLength(2);
    expect(doc.consents.history).toHaveLength(2);
    expect(doc.notes[0].text).toContain('Zamyatina');
    expect(doc.points.length).toBeGreaterThan(0);
    expect(doc.activity.map((a: { action: string }) => a.action)).toContain('member.blocked');

    const before = await findEverywhere(t, 'Zamyatina');
    expect(before.length).toBeGreaterThan(0);

    const erased = await t.call({ method: 'POST', url: `/v1/members/${id}/erase` });
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toMatchObject({
      memberId: id,
      status: 'anonymized',
      phone: null,
      email: null,
      firstName: null,
      lastName: null,
      birthDate: null,
      externalId: null,
      cardNumber: null,
      tags: [],
      attributes: {},
    });
    expect(erased.json().consents.every((c: { granted: boolean }) => !c.granted)).toBe(true);
    const again = await t.call({ method: 'POST', url: `/v1/members/${id}/erase` });
    expect(again.statusCode).toBe(200);

    for (const needle of [
      person.phone,
      '9161239876',
      'zamyatina',
      'Evdokia',
      person.externalId,
      '1984-03-09',
      '198.51.100.23',
      'Dusya',
    ]) {
      expect(await findEverywhere(t, needle), needle).toEqual([]);
    }

    // Gone from every lookup; the id, the ledger and the receipt remain.
    expect((await t.call({ method: 'GET', url: '/v1/members?phone=%2B79161239876' })).json().items).toEqual(
      [],
    );
    expect((await t.call({ method: 'GET', url: '/v1/members?q=Zamy' })).json().items).toEqual([]);
    const balance = await t.call({ method: 'GET', url: `/v1/members/${id}/balance` });
    expect(balance.json().points.available).toBeGreaterThanOrEqual(150);
    expect((await t.call({ method: 'GET', url: '/v1/receipts/dsr-r1' })).statusCode).toBe(200);
    const verify = await t.call({ method: 'GET', url: '/v1/admin/ledger/verify' });
    expect(verify.json()).toMatchObject({ ok: true });
    // The phone is free again: the person may re-join as a new member.
    const rejoin = await t.call({ method: 'POST', url: '/v1/members', payload: { phone: person.phone } });
    expect(rejoin.statusCode).toBe(201);
    expect(rejoin.json().memberId).not.toBe(id);
    const patchErased = await t.call({
      method: 'PATCH',
      url: `/v1/members/${id}`,
      payload: { firstName: 'X' },
    });
    expect(patchErased.statusCode).toBe(409);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', id)
      .where('action', 'in', ['member.exported', 'member.erased'])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['member.erased', 'member.exported']);
  });

  it('builds a paginated timeline, newest first, without gaps or repeats', async () => {
    const base = new Date('2026-11-22T12:00:00Z').getTime();
    const step = (i: number) => {
      t.clock.now = new Date(base + i * 1000);
    };
    step(0);
    const m = (
      await t.call({
        method: 'POST',
        url: '/v1/members',
        payload: {
          email: 'timeline@me.io',
          consents: [{ channel: 'email', purpose: 'marketing', granted: true }],
        },
      })
    ).json();
    step(1);
    await t.call({ method: 'POST', url: `/v1/members/${m.memberId}/notes`, payload: { text: 'first note' } });
    step(2);
    await t.call({ method: 'POST', url: `/v1/members/${m.memberId}/block` });
    step(3);
    await t.call({ method: 'POST', url: `/v1/members/${m.memberId}/unblock` });
    step(4);
    await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/consents`,
      payload: { channel: 'email', purpose: 'marketing', granted: false },
    });
    step(5);
    await t.call({ method: 'POST', url: `/v1/cards/${m.cardNumber}/replace` });
    step(5); // two events in the same millisecond
    await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/notes`,
      payload: { text: 'same instant' },
    });

    const seen: { type: string; itemId: string }[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/members/${m.memberId}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.call({ method: 'GET', url })).json();
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((s) => s.itemId)).size).toBe(seen.length);
    // Audit entries carry the database's clock, the rest the app's (here a test clock), so only
    // the set is compared here; exact order and ties are checked below on one clock.
    expect(seen.map((s) => s.type).sort()).toEqual(
      [
        'note.added',
        'card.replaced',
        'consent.withdrawn',
        'member.unblocked',
        'member.blocked',
        'note.added',
        'consent.granted',
        'member.joined',
      ].sort(),
    );
    const all = (await t.call({ method: 'GET', url: `/v1/members/${m.memberId}/timeline` })).json();
    expect(all.items.map((s: { itemId: string }) => s.itemId)).toEqual(seen.map((s) => s.itemId));
    expect(all.nextCursor).toBeNull();
    const times = all.items.map((s: { at: string }) => s.at);
    expect([...times].sort().reverse()).toEqual(times);

    // Many items in one millisecond, across sources: pages of 2 return each exactly once, in order.
    step(10);
    const tie = (
      await t.call({
        method: 'POST',
        url: '/v1/members',
        payload: { email: 'tie@me.io', consents: [{ channel: 'sms', purpose: 'marketing', granted: true }] },
      })
    ).json();
    for (let i = 0; i < 5; i++) {
      await t.call({ method: 'POST', url: `/v1/members/${tie.memberId}/notes`, payload: { text: `n${i}` } });
    }
    const tied: { type: string; data: { text?: string } }[] = [];
    cursor = null;
    do {
      const url: string = `/v1/members/${tie.memberId}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.call({ method: 'GET', url })).json();
      tied.push(...page.items.filter((i: { source: string }) => i.source !== 'audit'));
      cursor = page.nextCursor;
    } while (cursor);
    expect(tied.map((i) => i.data.text ?? i.type)).toEqual([
      'n4',
      'n3',
      'n2',
      'n1',
      'n0',
      'member.joined',
      'consent.granted',
    ]);
    const unknown = await t.call({ method: 'GET', url: '/v1/members/mbr_nobody/timeline' });
    expect(unknown.statusCode).toBe(404);
  });
});
