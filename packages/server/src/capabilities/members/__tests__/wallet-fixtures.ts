import { expect } from 'vitest';
import type { TestApp } from '../../../testing/test-app';
import { createCampaign } from '../../campaigns/__tests__/campaigns-fixtures';
import { uid } from '../../receipts/__tests__/receipts-fixtures';

export type BalanceBody = {
  points: { available: number; pending: number; expiring: { points: number; expiresAt: string }[] };
  tier: { code: string; name: string } | null;
  householdId: string | null;
};

let seq = 0;

/**
 * HTTP helpers of the household-wallet and merge tests (members with points, receipts, merges);
 * `app` is read at call time (the app is created in beforeAll).
 */
export function walletHelpers(app: () => TestApp) {
  const member = async (body: Record<string, unknown> = {}) => {
    const phone = `+7918${String(3000000 + seq++).padStart(7, '0')}`;
    const res = await app().call({ method: 'POST', url: '/v1/members', payload: { phone, ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { memberId: string; cardNumber: string; phone: string };
  };
  const adjust = async (memberId: string, points: number, expiresAt?: string) => {
    const res = await app().call({
      method: 'POST',
      url: `/v1/members/${memberId}/adjustments`,
      headers: { 'idempotency-key': uid('adj') },
      payload: { points, reason: 'test', ...(expiresAt ? { expiresAt } : {}) },
    });
    expect(res.statusCode, res.body).toBe(201);
  };
  const balance = async (memberId: string) => {
    const res = await app().call({ method: 'GET', url: `/v1/members/${memberId}/balance` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as BalanceBody;
  };
  const confirm = (
    memberRef: Record<string, string>,
    amountMinor: number,
    pointsToSpend = 0,
    storeId?: string,
  ) =>
    app().call({
      method: 'POST',
      url: '/v1/receipts/confirm',
      payload: {
        receiptId: uid('w'),
        ...(storeId ? { storeId } : {}),
        member: memberRef,
        lines: [{ lineId: '1', sku: 'BEANS', category: 'coffee', quantity: 1, amountMinor }],
        pointsToSpend,
      },
    });
  const merge = (survivorId: string, duplicateMemberId: string, key?: string) =>
    app().call({
      method: 'POST',
      url: `/v1/members/${survivorId}/merge`,
      headers: key ? { 'idempotency-key': key } : {},
      payload: { duplicateMemberId },
    });
  const addToHousehold = async (householdId: string, memberId: string) => {
    const res = await app().call({
      method: 'POST',
      url: `/v1/households/${householdId}/members`,
      payload: { memberId },
    });
    expect(res.statusCode, res.body).toBe(201);
  };
  const household = async (ownerMemberId: string, others: string[] = []) => {
    const created = await app().call({
      method: 'POST',
      url: '/v1/households',
      payload: { name: 'Family', ownerMemberId },
    });
    expect(created.statusCode, created.body).toBe(201);
    const householdId = created.json().householdId as string;
    expect(created.json().walletMemberId).toBe(ownerMemberId);
    for (const memberId of others) await addToHousehold(householdId, memberId);
    return householdId;
  };
  /** A 50-point bonus each member may take once, at `storeId` only (other tests' receipts miss it). */
  const oncePerMemberOffer = async (storeId: string) => {
    const campaignId = await createCampaign(app(), {
      name: 'Welcome bonus, once per member',
      scope: { storeIds: [storeId] },
      effect: { type: 'bonus_points', points: 50 },
      limits: { perMember: { uses: 1, period: 'ever' } },
    });
    return {
      campaignId,
      /** Whether a receipt answer got the bonus. */
      applied: (receipt: { effects: { campaignId: string | null }[] }) =>
        receipt.effects.some((e) => e.campaignId === campaignId),
    };
  };
  return { member, adjust, balance, confirm, merge, household, addToHousehold, oncePerMemberOffer };
}

/** 5 % earned, spendable at once, a year to expire, at most half a receipt paid with points. */
export const WALLET_PROGRAM = {
  earn: { pendingDays: 0, expiryDays: 365 },
  burn: { maxPercentOfReceipt: 50 },
};
