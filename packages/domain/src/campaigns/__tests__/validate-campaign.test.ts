import { describe, expect, it } from 'vitest';
import { calculateReceipt } from '../../receipts';
import { input, receipt } from '../../receipts/__tests__/factories';
import { normalizeCampaignDefinition, toCampaign } from '../validate-campaign';

const contractExample = {
  name: 'Double points on weekends',
  status: 'active',
  startsAt: null,
  endsAt: null,
  priority: 10,
  conditions: { minAmountMinor: 0, categories: [], skus: [], daysOfWeek: [6, 7], coupon: null },
  effect: { type: 'earn_multiplier', multiplier: '2' },
};

const problemsOf = (body: unknown) => {
  const result = normalizeCampaignDefinition(body);
  return result.ok ? [] : result.problems.map((p) => p.field);
};

describe('normalizeCampaignDefinition', () => {
  it('accepts the contract example as is and fills only defaults', () => {
    const result = normalizeCampaignDefinition(contractExample);
    expect(result).toEqual({
      ok: true,
      value: { ...contractExample, audience: null, scope: null, stacking: null, limits: null },
    });
  });

  it('defaults: draft, priority 0, empty conditions', () => {
    const result = normalizeCampaignDefinition({ name: 'X', effect: { type: 'bonus_points', points: 5 } });
    expect(result.ok && result.value).toMatchObject({
      status: 'draft',
      priority: 0,
      conditions: { minAmountMinor: 0, categories: [], skus: [], daysOfWeek: [], coupon: null },
    });
  });

  it.each([
    {
      why: 'percent as a number',
      patch: { effect: { type: 'discount_percent', percent: 15 } },
      fields: ['effect.percent'],
    },
    {
      why: 'percent over 100',
      patch: { effect: { type: 'discount_percent', percent: '100.5' } },
      fields: ['effect.percent'],
    },
    {
      why: 'negative multiplier',
      patch: { effect: { type: 'earn_multiplier', multiplier: '-1' } },
      fields: ['effect.multiplier'],
    },
    {
      why: 'exponent multiplier',
      patch: { effect: { type: 'earn_multiplier', multiplier: '1e2' } },
      fields: ['effect.multiplier'],
    },
    {
      why: 'fractional points',
      patch: { effect: { type: 'bonus_points', points: 1.5 } },
      fields: ['effect.points'],
    },
    { why: 'unknown effect', patch: { effect: { type: 'free_lunch' } }, fields: ['effect.type'] },
    { why: 'day 0 and 8', patch: { conditions: { daysOfWeek: [0, 8] } }, fields: ['conditions.daysOfWeek'] },
    { why: 'bad status', patch: { status: 'live' }, fields: ['status'] },
    { why: 'empty name', patch: { name: ' ' }, fields: ['name'] },
    {
      why: 'end before start',
      patch: { startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' },
      fields: ['endsAt'],
    },
    { why: 'bad date', patch: { startsAt: 'tomorrow' }, fields: ['startsAt'] },
    {
      why: 'negative min amount',
      patch: { conditions: { minAmountMinor: -1 } },
      fields: ['conditions.minAmountMinor'],
    },
    {
      why: 'bad hours',
      patch: { conditions: { hours: { from: '25:00', to: '10:00' } } },
      fields: ['conditions.hours'],
    },
    {
      why: 'coupon and series',
      patch: { conditions: { coupon: 'A', couponSeriesId: 'cps_1' } },
      fields: ['conditions.couponSeriesId'],
    },
    {
      why: 'bad period',
      patch: { limits: { perMember: { uses: 1, period: 'fortnight' } } },
      fields: ['limits.perMember.period'],
    },
    { why: 'zero budget', patch: { limits: { totalUses: 0 } }, fields: ['limits.totalUses'] },
    { why: 'unknown channel', patch: { scope: { channels: ['fax'] } }, fields: ['scope.channels'] },
    { why: 'stamp every 1', patch: { effect: { type: 'stamp', every: 1 } }, fields: ['effect.every'] },
    {
      why: 'threshold without reward',
      patch: { effect: { type: 'threshold_reward', thresholdMinor: 350000 } },
      fields: ['effect.rewardMinor'],
    },
    {
      why: 'bundle component without filter',
      patch: { effect: { type: 'bundle_price', priceMinor: 100, items: [{ quantity: 1 }] } },
      fields: ['effect.items.0'],
    },
    {
      why: 'several at once',
      patch: { priority: 1.5, effect: { type: 'discount_percent', percent: 'ten' } },
      fields: ['priority', 'effect.percent'],
    },
  ])('rejects $why', ({ patch, fields }) => {
    expect(problemsOf({ ...contractExample, ...patch })).toEqual(fields);
  });

  it('every effect type it accepts is one the calculation can apply', () => {
    const effects = [
      { type: 'discount_amount', amountMinor: 50000, per: 'receipt' },
      { type: 'earn_rate', pointsPerUnit: '2' },
      { type: 'nth_item_free', buy: 5, free: 1 },
      { type: 'bundle_price', priceMinor: 25000, items: [{ skus: ['LATTE'], quantity: 1 }] },
      { type: 'stamp', every: 6 },
      { type: 'threshold_reward', thresholdMinor: 350000, rewardMinor: 50000 },
      { type: 'free_delivery' },
      { type: 'issue_coupon', seriesId: 'cps_1' },
    ];
    for (const effect of effects) {
      const result = normalizeCampaignDefinition({ ...contractExample, conditions: {}, effect });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      const calc = calculateReceipt(
        input({ receipt: receipt(), campaigns: [toCampaign('cmp_1', result.value)] }),
      );
      expect(calc.ok).toBe(true);
    }
  });
});

describe('unknown fields', () => {
  it('names typos in nested groups', () => {
    expect(problemsOf({ ...contractExample, conditions: { dayOfWeek: [6] } })).toEqual([
      'conditions.dayOfWeek',
    ]);
    expect(
      problemsOf({ ...contractExample, effect: { type: 'earn_multiplier', multiplier: '2', percent: '5' } }),
    ).toEqual(['effect.percent']);
  });
});
