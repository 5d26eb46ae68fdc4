import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, seedTenant, type TestApp } from '../../../testing/test-app';

describeEachEngine('Members API', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (payload: Record<string, unknown>, key?: string) =>
    t.call({ method: 'POST', url: '/v1/members', payload, ...(key ? { key } : {}) });

  it('enrols a member, normalizes the phone and issues a virtual EAN-13 card', async () => {
    const res = await create({
      phone: '+7 (916) 123-45-67',
      email: 'Anna.Petrova@Example.com',
      firstName: ' Anna ',
      lastName: 'Petrova',
      birthDate: '1990-05-17',
      consents: [{ channel: 'sms', purpose: 'marketing', granted: true }],
    });
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({
      memberId: expect.stringMatching(/^mbr_/),
      phone: '+79161234567',
      email: 'Anna.Petrova@Example.com',
      firstName: 'Anna',
      lastName: 'Petrova',
      birthDate: '1990-05-17',
      externalId: null,
      status: 'active',
      tags: [],
      attributes: {},
      createdAt: '2026-11-22T10:00:00.000Z',
    });
    expect(m.cardNumber).toMatch(/^299\d{10}$/);
    expect(m.consents).toEqual([
      expect.objectContaining({ channel: 'sms', purpose: 'marketing', granted: true, source: 'api' }),
    ]);
    const got = await t.call({ method: 'GET', url: `/v1/members/${m.memberId}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(m);
  });

  it('treats +7 (916) 123-45-67, 8 916 123 45 67 and +79161234567 as one member (409 member_exists)', async () => {
    const first = (await create({ phone: '+7 (926) 000-11-22' })).json();
    for (const phone of ['8 926 000 11 22', '+79260001122', '9260001122']) {
      const dup = await create({ phone });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error).toMatchObject({
        code: 'member_exists',
        details: { memberId: first.memberId },
      });
    }
  });

  it('compares emails without case and rejects duplicate externalId and card', async () => {
    const a = (await create({ email: 'Ivan@Mail.ru', externalId: 'crm-1', cardNumber: '7770001' })).json();
    const byEmail = await create({ email: 'ivan@mail.RU' });
    expect(byEmail.statusCode).toBe(409);
    expect(byEmail.json().error.details.memberId).toBe(a.memberId);
    const byExternal = await create({ externalId: 'crm-1' });
    expect(byExternal.json().error.details.memberId).toBe(a.memberId);
    const byCard = await create({ cardNumber: '777 0001' });
    expect(byCard.statusCode).toBe(409);
    expect(byCard.json().error.details.memberId).toBe(a.memberId);
  });

  it('looks members up by phone (any format), email, card and externalId', async () => {
    const m = (await create({ phone: '89031112233', email: 'look@up.io', externalId: 'ext-77' })).json();
    for (const query of [
      'phone=%2B79031112233',
      'phone=+79031112233',
      'phone=8%20903%20111-22-33',
      'email=LOOK@UP.IO',
      `cardNumber=${m.cardNumber}`,
      'externalId=ext-77',
    ]) {
      const res = await t.call({ method: 'GET', url: `/v1/members?${query}` });
      expect(res.statusCode, query).toBe(200);
      expect(res.json(), query).toEqual({
        items: [expect.objectContaining({ memberId: m.memberId })],
        nextCursor: null,
      });
    }
    const none = await t.call({ method: 'GET', url: '/v1/members?phone=%2B79990000000' });
    expect(none.json()).toEqual({ items: [], nextCursor: null });
  });

  it('answers bad input with 400 validation_failed listing every field', async () => {
    const none = await create({ firstName: 'Nobody' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('validation_failed');
    expect(none.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      'body.phone',
      'body.email',
      'body.externalId',
      'body.cardNumber',
    ]);
    const bad = await create({ phone: '12345', email: 'not-an-email', birthDate: '1990-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['body.birthDate', 'body.email', 'body.phone']);
    const typed = await create({ phone: 79161234567 });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().error.details[0].field).toBe('body.phone');
    const badLookup = await t.call({ method: 'GET', url: '/v1/members?phone=abc' });
    expect(badLookup.statusCode).toBe(400);
    expect(badLookup.json().error.details[0].field).toBe('querystring.phone');
    const badId = await t.call({ method: 'GET', url: '/v1/members/has%20space' });
    expect(badId.statusCode).toBe(400);
  });

  it('keeps tenants apart: tenant B cannot see or change tenant A members', async () => {
    const a = (await create({ phone: '+79035550000' })).json();
    const b = await seedTenant(t.db);
    const read = await t.call({ method: 'GET', url: `/v1/members/${a.memberId}`, key: b.apiKey });
    expect(read.statusCode).toBe(404);
    expect(read.json().error.code).toBe('not_found');
    const patch = await t.call({
      method: 'PATCH',
      url: `/v1/members/${a.memberId}`,
      key: b.apiKey,
      payload: { firstName: 'X' },
    });
    expect(patch.statusCode).toBe(404);
    const lookup = await t.call({ method: 'GET', url: '/v1/members?phone=%2B79035550000', key: b.apiKey });
    expect(lookup.json().items).toEqual([]);
    // The same phone is a different member in another program.
    const inB = await create({ phone: '+79035550000' }, b.apiKey);
    expect(inB.statusCode).toBe(201);
    expect(inB.json().memberId).not.toBe(a.memberId);
  });

  it('updates fields, clears with null, merges attributes and keeps identifiers unique', async () => {
    const defs = await t.call({
      method: 'PUT',
      url: '/v1/member-attributes',
      payload: {
        items: [
          { key: 'favourite_drink', type: 'enum', values: ['latte', 'espresso'] },
          { key: 'visits', type: 'integer' },
        ],
      },
    });
    expect(defs.statusCode).toBe(200);
    const m = (
      await create({ phone: '+79041234567', firstName: 'Oleg', attributes: { favourite_drink: 'latte' } })
    ).json();
    expect(m.attributes).toEqual({ favourite_drink: 'latte' });
    const other = (await create({ phone: '+79041234568' })).json();
    const res = await t.call({
      method: 'PATCH',
      url: `/v1/members/${m.memberId}`,
      payload: {
        firstName: null,
        lastName: 'Sidorov',
        tags: ['VIP', 'vip', 'b2b'],
        attributes: { visits: 3 },
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      firstName: null,
      lastName: 'Sidorov',
      tags: ['VIP', 'b2b'],
      attributes: { favourite_drink: 'latte', visits: 3 },
    });
    const badAttr = await t.call({
      method: 'PATCH',
      url: `/v1/members/${m.memberId}`,
      payload: { attributes: { favourite_drink: 'tea', unknown_key: 1 } },
    });
    expect(badAttr.statusCode).toBe(400);
    expect(badAttr.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      'body.attributes.favourite_drink',
      'body.attributes.unknown_key',
    ]);
    const clash = await t.call({
      method: 'PATCH',
      url: `/v1/members/${m.memberId}`,
      payload: { phone: '8 904 123 45 68' },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toMatchObject({
      code: 'member_exists',
      details: { memberId: other.memberId },
    });
  });

  it('blocks and unblocks, and audits both', async () => {
    const m = (await create({ email: 'block@me.io' })).json();
    const blocked = await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/block`,
      payload: { reason: 'fraud check' },
    });
    expect(blocked.json()).toMatchObject({ status: 'blocked', statusReason: 'fraud check' });
    const again = await t.call({ method: 'POST', url: `/v1/members/${m.memberId}/block`, payload: {} });
    expect(again.json().status).toBe('blocked');
    const unblocked = await t.call({ method: 'POST', url: `/v1/members/${m.memberId}/unblock` });
    expect(unblocked.json()).toMatchObject({ status: 'active', statusReason: null });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', m.memberId)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['member.created', 'member.blocked', 'member.unblocked']);
  });

  it('searches by name prefix and by partial phone, paginating newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await create({ phone: `+7905777000${i}`, firstName: 'Svetlana', lastName: `Kuznetsova${i}` });
      ids.push(r.json().memberId);
    }
    const byName = await t.call({ method: 'GET', url: '/v1/members?q=svet&limit=2' });
    expect(byName.json().items.map((m: { memberId: string }) => m.memberId)).toEqual([ids[4], ids[3]]);
    const next = await t.call({
      method: 'GET',
      url: `/v1/members?q=svet&limit=2&cursor=${byName.json().nextCursor}`,
    });
    expect(next.json().items.map((m: { memberId: string }) => m.memberId)).toEqual([ids[2], ids[1]]);
    const twoWords = await t.call({
      method: 'GET',
      url: `/v1/members?q=${encodeURIComponent('Kuznetsova3 Sve')}`,
    });
    expect(twoWords.json().items.map((m: { memberId: string }) => m.memberId)).toEqual([ids[3]]);
    const byEnd = await t.call({ method: 'GET', url: '/v1/members?q=7770004' });
    expect(byEnd.json().items.map((m: { memberId: string }) => m.memberId)).toEqual([ids[4]]);
    const byStart = await t.call({ method: 'GET', url: '/v1/members?q=8905777' });
    expect(byStart.json().items).toHaveLength(5);
    const likeChars = await t.call({ method: 'GET', url: '/v1/members?q=%25%25' });
    expect(likeChars.json().items).toEqual([]);
  });

  it('adds, lists and deletes notes', async () => {
    const m = (await create({ email: 'notes@me.io' })).json();
    const note = await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/notes`,
      payload: { text: 'Prefers oat milk' },
    });
    expect(note.statusCode).toBe(201);
    const list = await t.call({ method: 'GET', url: `/v1/members/${m.memberId}/notes` });
    expect(list.json().items.map((n: { text: string }) => n.text)).toEqual(['Prefers oat milk']);
    const del = await t.call({
      method: 'DELETE',
      url: `/v1/members/${m.memberId}/notes/${note.json().noteId}`,
    });
    expect(del.statusCode).toBe(204);
    expect((await t.call({ method: 'GET', url: `/v1/members/${m.memberId}/notes` })).json().items).toEqual(
      [],
    );
  });

  it('honours Idempotency-Key: a retry gets the first response, another body under the key is 409', async () => {
    const body = { phone: '+79068887766', firstName: 'Retry' };
    const headers = { 'idempotency-key': 'signup-42' };
    const first = await t.call({ method: 'POST', url: '/v1/members', payload: body, headers });
    expect(first.statusCode).toBe(201);
    const again = await t.call({
      method: 'POST',
      url: '/v1/members',
      payload: { firstName: 'Retry', phone: '+79068887766' },
      headers,
    });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const other = await t.call({
      method: 'POST',
      url: '/v1/members',
      payload: { phone: '+79068887767' },
      headers,
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    const noKey = await t.call({ method: 'POST', url: '/v1/members', payload: body });
    expect(noKey.json().error).toMatchObject({
      code: 'member_exists',
      details: { memberId: first.json().memberId },
    });
    const badKey = await t.call({
      method: 'POST',
      url: '/v1/members',
      payload: body,
      headers: { 'idempotency-key': 'has space' },
    });
    expect(badKey.statusCode).toBe(400);
    const note = { text: 'called twice' };
    const n1 = await t.call({
      method: 'POST',
      url: `/v1/members/${first.json().memberId}/notes`,
      payload: note,
      headers,
    });
    const n2 = await t.call({
      method: 'POST',
      url: `/v1/members/${first.json().memberId}/notes`,
      payload: note,
      headers,
    });
    expect(n2.json()).toEqual(n1.json());
    const notes = await t.call({ method: 'GET', url: `/v1/members/${first.json().memberId}/notes` });
    expect(notes.json().items).toHaveLength(1);
  });

  it('is race-safe: concurrent enrolments with one phone create one member', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => create({ phone: '+79067778899', firstName: 'Race' })),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = results.find((r) => r.statusCode === 201)!.json().memberId;
    for (const r of results.filter((x) => x.statusCode === 409)) {
      expect(r.json().error.details.memberId).toBe(winner);
    }
  });

  it('documents every members, cards, consents, verifications and households route in OpenAPI', async () => {
    const doc = (await t.call({ method: 'GET', url: '/openapi.json', key: null })).json();
    const mine = Object.keys(doc.paths).filter((p) =>
      /^\/v1\/(members|member-attributes|cards|card-batches|verifications|households)\b/.test(p),
    );
    for (const path of ['/v1/members', '/v1/members/{memberId}', '/v1/verifications', '/v1/card-batches']) {
      expect(mine).toContain(path);
    }
    expect(mine.length).toBeGreaterThan(25);
    for (const path of mine) {
      for (const [method, op] of Object.entries(doc.paths[path]) as [string, { summary?: string }][]) {
        expect(op.summary, `${method} ${path}`).toBeTruthy();
      }
    }
  });
});
