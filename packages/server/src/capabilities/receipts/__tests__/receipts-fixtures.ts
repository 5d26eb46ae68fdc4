import { expect } from 'vitest';
import type { TestApp } from '../../../testing/test-app';

let seq = 0;
export const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${seq++}`;

export async function createMember(t: TestApp, body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.call({
    method: 'POST',
    url: '/v1/members',
    payload: { phone: `+7916${String(1000000 + seq++).slice(-7)}`, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().memberId as string;
}

export async function adjust(t: TestApp, memberId: string, points: number, key = uid('adj')) {
  const res = await t.call({
    method: 'POST',
    url: `/v1/members/${memberId}/adjustments`,
    headers: { 'idempotency-key': key },
    payload: { points, reason: 'test' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function balanceOf(t: TestApp, memberId: string) {
  const res = await t.call({ method: 'GET', url: `/v1/members/${memberId}/balance` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().points as {
    available: number;
    pending: number;
    expiring: { points: number; expiresAt: string }[];
  };
}

export async function verifyOk(t: TestApp) {
  const res = await t.call({ method: 'GET', url: '/v1/admin/ledger/verify' });
  expect(res.statusCode).toBe(200);
  expect(res.json().problems).toEqual([]);
  expect(res.json().ok).toBe(true);
}

export function latte(memberId: string | null, extra: Record<string, unknown> = {}) {
  return {
    receiptId: uid('rcp'),
    ...(memberId ? { member: { memberId } } : {}),
    lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 2, amountMinor: 40000 }],
    ...extra,
  };
}
