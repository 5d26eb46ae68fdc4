import { isValidEan13 } from '@kopilka/domain/members';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, seedTenant, type TestApp } from '../../../testing/test-app';
import { resolveMemberRef } from '../../members/members.service';

describeEachEngine('Cards API', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: new Date('2026-11-22T10:00:00Z') });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (url: string, payload?: Record<string, unknown>) =>
    t.call({ method: 'POST', url, ...(payload ? { payload } : {}) });

  it('reserves batches of EAN-13 numbers and serves them as CSV', async () => {
    const res = await post('/v1/card-batches', { prefix: '25', count: 3, note: 'first print run' });
    expect(res.statusCode).toBe(201);
    const batch = res.json();
    expect(batch).toMatchObject({ batchId: expect.stringMatching(/^cbt_/), prefix: '25', count: 3 });
    expect(batch.firstNumber).toMatch(/^250000000001\d$/);
    const next = (await post('/v1/card-batches', { prefix: '25', count: 2 })).json();
    expect(next.firstNumber).toMatch(/^250000000004\d$/);
    const csv = await t.call({ method: 'GET', url: `/v1/card-batches/${batch.batchId}/numbers` });
    expect(csv.headers['content-type']).toContain('text/csv');
    const numbers = csv.body.trim().split('\n');
    expect(numbers[0]).toBe('cardNumber');
    expect(numbers.slice(1)).toHaveLength(3);
    expect(numbers.slice(1).every((n) => n.length === 13 && isValidEan13(n))).toBe(true);
    expect(numbers[1]).toBe(batch.firstNumber);
    expect(numbers[3]).toBe(batch.lastNumber);
    const list = (await t.call({ method: 'GET', url: '/v1/card-batches' })).json();
    expect(list.items.map((b: { batchId: string }) => b.batchId)).toEqual([next.batchId, batch.batchId]);
  });

  it('reserves one batch per Idempotency-Key and binds a card once per key', async () => {
    const headers = { 'idempotency-key': 'print-run-7' };
    const a = await t.call({
      method: 'POST',
      url: '/v1/card-batches',
      payload: { prefix: '44', count: 2 },
      headers,
    });
    const b = await t.call({
      method: 'POST',
      url: '/v1/card-batches',
      payload: { prefix: '44', count: 2 },
      headers,
    });
    expect(b.json()).toEqual(a.json());
    const m = (await post('/v1/members', { phone: '+79160000051' })).json();
    const bindHeaders = { 'idempotency-key': 'bind-1' };
    const payload = { cardNumber: a.json().firstNumber };
    const bound = await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/cards`,
      payload,
      headers: bindHeaders,
    });
    const retry = await t.call({
      method: 'POST',
      url: `/v1/members/${m.memberId}/cards`,
      payload,
      headers: bindHeaders,
    });
    expect(bound.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(bound.json());
  });

  it('refuses prefixes that would collide with virtual cards or other ranges', async () => {
    const virtual = await post('/v1/card-batches', { prefix: '29', count: 1 });
    expect(virtual.statusCode).toBe(400);
    expect(virtual.json().error.details[0].field).toBe('body.prefix');
    await post('/v1/card-batches', { prefix: '26', count: 1 });
    const overlap = await post('/v1/card-batches', { prefix: '261', count: 1 });
    expect(overlap.statusCode).toBe(409);
    const tooMany = await post('/v1/card-batches', { prefix: '27', count: 100_001 });
    expect(tooMany.statusCode).toBe(400);
  });

  it('activates a printed card at enrolment and at the till, and looks cards up', async () => {
    const batch = (await post('/v1/card-batches', { prefix: '41', count: 5 })).json();
    const numbers = (await t.call({ method: 'GET', url: `/v1/card-batches/${batch.batchId}/numbers` })).body
      .trim()
      .split('\n')
      .slice(1);
    const unbound = await t.call({ method: 'GET', url: `/v1/cards/${numbers[0]}` });
    expect(unbound.json()).toMatchObject({
      status: 'unbound',
      memberId: null,
      batchId: batch.batchId,
      kind: 'plastic',
    });

    const m = await post('/v1/members', { phone: '+79160000001', cardNumber: numbers[0] });
    expect(m.statusCode).toBe(201);
    expect(m.json().cardNumber).toBe(numbers[0]);
    const bound = (await t.call({ method: 'GET', url: `/v1/cards/${numbers[0]}` })).json();
    expect(bound).toMatchObject({ status: 'active', memberId: m.json().memberId, kind: 'plastic' });

    // A second card at the till for a member who signed up online.
    const online = (await post('/v1/members', { email: 'online@shop.ru' })).json();
    expect(online.cardNumber).toMatch(/^299/);
    const activated = await post(`/v1/members/${online.memberId}/cards`, { cardNumber: numbers[1] });
    expect(activated.statusCode).toBe(201);
    expect(activated.json()).toMatchObject({
      cardNumber: numbers[1],
      memberId: online.memberId,
      status: 'active',
    });
    const after = (await t.call({ method: 'GET', url: `/v1/members/${online.memberId}` })).json();
    expect(after.cardNumber).toBe(numbers[1]);
    const cards = (await t.call({ method: 'GET', url: `/v1/members/${online.memberId}/cards` })).json();
    expect(cards.items).toHaveLength(2);

    const taken = await post(`/v1/members/${online.memberId}/cards`, { cardNumber: numbers[0] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({
      code: 'member_exists',
      details: { memberId: m.json().memberId },
    });
  });

  it('rejects numbers that look like ours but are not: bad check digit, outside the batch, invented virtual', async () => {
    const batch = (await post('/v1/card-batches', { prefix: '42', count: 2 })).json();
    const first: string = batch.firstNumber;
    const badCheck = first.slice(0, 12) + String((Number(first[12]) + 1) % 10);
    const r1 = await post('/v1/members', { phone: '+79160000011', cardNumber: badCheck });
    expect(r1.statusCode).toBe(400);
    expect(r1.json().error.details[0].field).toBe('body.cardNumber');
    const r2 = await post('/v1/members', { phone: '+79160000012', cardNumber: '2990000099990' });
    expect(r2.statusCode).toBe(400);
    const external = await post('/v1/members', { phone: '+79160000013', cardNumber: 'OLD-12345' });
    expect(external.statusCode).toBe(201);
    expect(external.json().cardNumber).toBe('OLD12345');
  });

  it('blocks a lost card and replaces it, keeping the member', async () => {
    const m = (await post('/v1/members', { phone: '+79160000021' })).json();
    const oldCard: string = m.cardNumber;
    const ok = await resolveMemberRef(t.db, t.tenant.tenantId, { cardNumber: oldCard }, t.clock.now);
    expect(ok).toMatchObject({ memberId: m.memberId, identifiedBy: 'card' });

    const blocked = await post(`/v1/cards/${oldCard}/block`, { reason: 'lost' });
    expect(blocked.json()).toMatchObject({ status: 'blocked', blockReason: 'lost' });
    await expect(
      resolveMemberRef(t.db, t.tenant.tenantId, { cardNumber: oldCard }, t.clock.now),
    ).rejects.toMatchObject({ code: 'not_found' });
    const noCard = (await t.call({ method: 'GET', url: `/v1/members/${m.memberId}` })).json();
    expect(noCard.cardNumber).toBeNull();

    const replaced = await post(`/v1/cards/${oldCard}/replace`);
    expect(replaced.statusCode).toBe(201);
    const newCard = replaced.json();
    expect(newCard).toMatchObject({ memberId: m.memberId, status: 'active', kind: 'virtual' });
    expect((await t.call({ method: 'GET', url: `/v1/cards/${oldCard}` })).json()).toMatchObject({
      status: 'replaced',
      replacedBy: newCard.cardNumber,
    });
    const found = await t.call({ method: 'GET', url: `/v1/members?cardNumber=${newCard.cardNumber}` });
    expect(found.json().items[0].memberId).toBe(m.memberId);
    const twice = await post(`/v1/cards/${oldCard}/replace`);
    expect(twice.statusCode).toBe(409);
  });

  it('blocks an unbound printed card so nobody can bind it', async () => {
    const batch = (await post('/v1/card-batches', { prefix: '43', count: 1 })).json();
    const blocked = await post(`/v1/cards/${batch.firstNumber}/block`, { reason: 'stolen pack' });
    expect(blocked.json()).toMatchObject({ status: 'blocked', memberId: null });
    const bind = await post('/v1/members', { phone: '+79160000031', cardNumber: batch.firstNumber });
    expect(bind.statusCode).toBe(409);
    expect(bind.json().error.code).toBe('conflict');
  });

  it('keeps card lookups within the tenant', async () => {
    const m = (await post('/v1/members', { phone: '+79160000041' })).json();
    const b = await seedTenant(t.db);
    const res = await t.call({ method: 'GET', url: `/v1/cards/${m.cardNumber}`, key: b.apiKey });
    expect(res.statusCode).toBe(404);
    const lookup = await t.call({
      method: 'GET',
      url: `/v1/members?cardNumber=${m.cardNumber}`,
      key: b.apiKey,
    });
    expect(lookup.json().items).toEqual([]);
    const block = await t.call({ method: 'POST', url: `/v1/cards/${m.cardNumber}/block`, key: b.apiKey });
    expect(block.statusCode).toBe(404);
  });
});
