import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { seedTenant, type TestApp } from '../../../testing/test-app';

let seq = 0;
export const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${seq++}`;

export const CONTRACT_LADDER = {
  windowDays: 365,
  tiers: [
    { code: 'silver', name: 'Silver', qualifyingSpendMinor: 0, discountPercent: '5', earnMultiplier: '1' },
    {
      code: 'gold',
      name: 'Gold',
      qualifyingSpendMinor: 3000000,
      discountPercent: '10',
      earnMultiplier: '1.5',
    },
  ],
};

export type Client = {
  tenantId: string;
  call: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON responses loosely and assert their shape
  ok: (opts: InjectOptions, status?: number) => Promise<any>;
};

/** A fresh tenant per scenario: its own ladder, plans and once-a-day full re-evaluation. */
export async function newTenant(t: TestApp): Promise<Client> {
  const tenant = await seedTenant(t.db);
  const call = (opts: InjectOptions) => t.call({ ...opts, key: tenant.apiKey });
  return {
    tenantId: tenant.tenantId,
    call,
    ok: async (opts, status = 200) => {
      const res = await call(opts);
      expect(res.statusCode, `${opts.method} ${opts.url}: ${res.body}`).toBe(status);
      return res.json();
    },
  };
}

export async function createMember(c: Client): Promise<string> {
  const body = await c.ok({ method: 'POST', url: '/v1/members', payload: { externalId: uid('ext') } }, 201);
  return body.memberId as string;
}

export async function putLadder(c: Client, ladder: object = CONTRACT_LADDER) {
  return c.ok({ method: 'PUT', url: '/v1/tiers', payload: ladder });
}

export function receipt(memberId: string, amounts: number[], extra: Record<string, unknown> = {}) {
  return {
    receiptId: uid('rcp'),
    member: { memberId },
    lines: amounts.map((amountMinor, i) => ({
      lineId: String(i + 1),
      sku: `SKU${i}`,
      category: i === 0 ? 'coffee' : 'food',
      quantity: 1,
      amountMinor,
    })),
    ...extra,
  };
}

export async function confirm(c: Client, body: object) {
  return c.ok({ method: 'POST', url: '/v1/receipts/confirm', payload: body }, 201);
}

export async function runJobs(t: TestApp, at: Date) {
  const res = await t.call({ method: 'POST', url: '/v1/admin/jobs/run', payload: { at: at.toISOString() } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().ran as { job: string; processed: number }[];
}

export async function tierOf(c: Client, memberId: string) {
  return c.ok({ method: 'GET', url: `/v1/members/${memberId}/tier` });
}

export async function balanceTier(c: Client, memberId: string) {
  return (await c.ok({ method: 'GET', url: `/v1/members/${memberId}/balance` })).tier as {
    code: string;
    name: string;
  } | null;
}

export const days = (from: Date, n: number) => new Date(from.getTime() + n * 86_400_000);
