import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, type TestApp } from '../../../testing/test-app';
import { adjust, createMember } from './receipts-fixtures';

// Schema fuzzing: no input may make the receipt endpoints answer 5xx. Bodies are random JSON,
// valid receipts with fields replaced by random values, and hostile strings and numbers.
const BODIES = Number(process.env.KOPILKA_FUZZ_BODIES ?? 1200);
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);

const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '1e309',
    '-0',
    'NaN',
    '9'.repeat(400),
    '\u0000',
    '../../etc/passwd',
    "' or 1=1 --",
    '<script>',
    '2026-13-45T99:99:99Z',
    '０.５',
  ),
  fc.double(),
  fc.integer(),
  fc.bigInt().map((b) => Number(b)),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e21, 1.5, -0),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 3 }),
);

describeEachEngine('receipt endpoints never answer 5xx', (engine) => {
  let t: TestApp;
  let memberId: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    memberId = await createMember(t);
    await adjust(t, memberId, 1000);
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`survives ${BODIES} fuzzed bodies`, async () => {
    const valid = () => ({
      receiptId: `fz-${Math.random().toString(36).slice(2)}`,
      member: { memberId },
      lines: [
        { lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 2, amountMinor: 40000 },
        { lineId: '2', sku: 'CAKE', category: 'food', quantity: '0.5', amountMinor: 12000 },
      ],
      coupons: [],
      pointsToSpend: 10,
    });
    const paths = [
      'receiptId',
      'occurredAt',
      'member',
      'member.memberId',
      'member.phone',
      'member.otp',
      'lines',
      'lines.0',
      'lines.0.lineId',
      'lines.0.quantity',
      'lines.0.amountMinor',
      'lines.1.category',
      'coupons',
      'pointsToSpend',
      'storeId',
      'channel',
    ];
    const mutated = fc.record({ path: fc.constantFrom(...paths), value: hostile }).map(({ path, value }) => {
      const body: Record<string, unknown> = valid();
      const keys = path.split('.');
      let node: Record<string, unknown> = body;
      for (const k of keys.slice(0, -1)) node = (node[k] ?? {}) as Record<string, unknown>;
      node[keys[keys.length - 1]!] = value;
      return body;
    });
    const bodies = fc.sample(fc.oneof(fc.jsonValue(), mutated, mutated, mutated), { seed, numRuns: BODIES });
    const endpoints = ['/v1/receipts/calculate', '/v1/receipts/confirm', '/v1/receipts/calculate'];
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const [i, body] of bodies.entries()) {
      const url = endpoints[i % endpoints.length]!;
      const res = await t.call({
        method: 'POST',
        url,
        payload: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500 || (res.statusCode >= 400 && typeof res.json().error?.code !== 'string')) {
        failures.push(
          `${url} ${res.statusCode} ${JSON.stringify(body).slice(0, 300)} -> ${res.body.slice(0, 200)}`,
        );
      }
    }
    // refunds and cancels with hostile bodies and ids
    const confirmed = await t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: valid() });
    const receiptId = confirmed.json().receiptId as string;
    const refundBodies = fc.sample(
      fc.oneof(
        fc.jsonValue(),
        fc.record({
          refundId: hostile,
          lines: fc.oneof(
            hostile,
            fc.array(fc.record({ lineId: hostile, quantity: hostile }), { maxLength: 3 }),
          ),
        }),
      ),
      { seed: seed + 1, numRuns: 200 },
    );
    for (const body of refundBodies) {
      const res = await t.call({
        method: 'POST',
        url: `/v1/receipts/${receiptId}/refund`,
        payload: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      if (res.statusCode >= 500)
        failures.push(
          `refund ${res.statusCode} ${JSON.stringify(body).slice(0, 300)} -> ${res.body.slice(0, 200)}`,
        );
    }
    for (const id of ['%00', 'a'.repeat(200), '..%2F..', 'x y', '%F0%9F%98%80']) {
      const res = await t.call({ method: 'GET', url: `/v1/receipts/${id}` });
      if (res.statusCode >= 500) failures.push(`get ${id} ${res.statusCode}`);
    }
    // Most bodies must be rejected at the edge, but some mutations stay valid and get through.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(BODIES / 4);
    expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(0);
    expect(failures, `FC_SEED=${seed}`).toEqual([]);
  }, 600_000);
});
