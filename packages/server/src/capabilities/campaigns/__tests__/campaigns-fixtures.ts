import { expect } from 'vitest';
import type { TestApp } from '../../../testing/test-app';

export const WEEKEND_DOUBLE = {
  name: 'Double points on weekends',
  status: 'active',
  startsAt: null,
  endsAt: null,
  priority: 10,
  conditions: { minAmountMinor: 0, categories: [], skus: [], daysOfWeek: [6, 7], coupon: null },
  effect: { type: 'earn_multiplier', multiplier: '2' },
};

/** Creates a campaign (active unless said otherwise) and returns its id. */
export async function createCampaign(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const res = await t.call({ method: 'POST', url: '/v1/campaigns', payload: { status: 'active', ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().campaignId as string;
}

export async function calculate(t: TestApp, body: Record<string, unknown>) {
  const res = await t.call({ method: 'POST', url: '/v1/receipts/calculate', payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function confirm(t: TestApp, body: Record<string, unknown>) {
  const res = await t.call({ method: 'POST', url: '/v1/receipts/confirm', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Removes every campaign of the tenant so each test starts from none. */
export async function clearCampaigns(t: TestApp): Promise<void> {
  const list = await t.call({ method: 'GET', url: '/v1/campaigns?limit=500' });
  for (const item of list.json().items as { campaignId: string }[]) {
    const res = await t.call({ method: 'DELETE', url: `/v1/campaigns/${item.campaignId}` });
    expect(res.statusCode).toBe(204);
  }
}
