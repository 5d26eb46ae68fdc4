import { describe, expect, it } from 'vitest';
import { emptyCampaignForm, fromCampaign, isoToLocalInput, toCampaignBody } from '../campaign-form';

describe('campaign form', () => {
  it('turns the weekend double-points form into the v1 campaign body', () => {
    const r = toCampaignBody({
      ...emptyCampaignForm(),
      name: ' Double points on weekends ',
      status: 'active',
      daysOfWeek: ['7', '6'],
      effectType: 'earn_multiplier',
      multiplier: '2',
    });
    expect(r.problems).toEqual([]);
    expect(r.body).toEqual({
      name: 'Double points on weekends',
      status: 'active',
      startsAt: null,
      endsAt: null,
      priority: 10,
      conditions: { minAmountMinor: 0, categories: [], skus: [], daysOfWeek: [6, 7], coupon: null },
      effect: { type: 'earn_multiplier', multiplier: '2' },
    });
  });

  it('reads dates in the browser zone and amounts in roubles', () => {
    const r = toCampaignBody({
      ...emptyCampaignForm(),
      name: 'Coffee 15 %',
      startsAt: '2026-12-01T09:00',
      endsAt: '2026-12-31T23:59',
      minAmount: '500,50',
      categories: ['coffee'],
      coupon: ' COFFEE15 ',
      effectType: 'discount_percent',
      percent: '15',
    });
    expect(r.body).toMatchObject({
      startsAt: '2026-12-01T06:00:00.000Z',
      endsAt: '2026-12-31T20:59:00.000Z',
      conditions: { minAmountMinor: 50050, categories: ['coffee'], coupon: 'COFFEE15' },
      effect: { type: 'discount_percent', percent: '15' },
    });
  });

  it('names every wrong field', () => {
    const r = toCampaignBody({
      ...emptyCampaignForm(),
      name: ' ',
      minAmount: 'lots',
      startsAt: '2026-12-31T10:00',
      endsAt: '2026-12-01T10:00',
      effectType: 'bonus_points',
      points: 0,
    });
    expect(r.body).toBeUndefined();
    expect(r.problems).toEqual([
      { field: 'name', problem: 'required' },
      { field: 'minAmount', problem: 'invalid' },
      { field: 'endsAt', problem: 'order' },
      { field: 'points', problem: 'invalid' },
    ]);
    expect(
      toCampaignBody({ ...emptyCampaignForm(), name: 'x', effectType: 'discount_percent', percent: '120' })
        .problems,
    ).toEqual([{ field: 'percent', problem: 'invalid' }]);
    expect(toCampaignBody({ ...emptyCampaignForm(), name: 'x', multiplier: '1,5' }).problems).toEqual([
      { field: 'multiplier', problem: 'invalid' },
    ]);
  });

  it('opens a stored campaign for editing and saves it back unchanged', () => {
    const stored = {
      campaignId: 'cmp_1',
      name: 'Bonus for a big basket',
      status: 'paused',
      startsAt: '2026-12-01T06:00:00.000Z',
      endsAt: null,
      priority: 5,
      conditions: { minAmountMinor: 350000, categories: [], skus: ['GIFT'], daysOfWeek: [1], coupon: null },
      effect: { type: 'bonus_points', points: 300 },
    };
    const form = fromCampaign(stored);
    expect(form).toMatchObject({
      status: 'paused',
      startsAt: '2026-12-01T09:00',
      minAmount: '3500.00',
      points: 300,
    });
    const { campaignId: _id, ...body } = stored;
    expect(toCampaignBody(form).body).toEqual(body);
    expect(isoToLocalInput(null)).toBe('');
  });
});
