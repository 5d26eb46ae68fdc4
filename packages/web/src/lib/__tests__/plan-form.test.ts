import { describe, expect, it } from 'vitest';
import { emptyPlanForm, fromPlan, type PlanFormValues, toPlanBody } from '../plan-form';
import type { MembershipPlan } from '../types';

const form = (over: Partial<PlanFormValues> = {}): PlanFormValues => ({
  ...emptyPlanForm(),
  code: 'prime',
  name: 'Prime',
  price: '1 990',
  ...over,
});

describe('paid plan form', () => {
  it('creates a yearly plan with free delivery as a perk and the price in kopecks', () => {
    expect(
      toPlanBody(
        form({ freeDelivery: true, discountPercent: '5', earnMultiplier: '1,5', dividendPercent: '10' }),
        {
          isNew: true,
        },
      ),
    ).toEqual({
      body: {
        code: 'prime',
        period: 'year',
        name: 'Prime',
        priceMinor: 199_000,
        trialDays: 0,
        discountPercent: '5',
        earnMultiplier: '1.5',
        perks: ['free_delivery'],
        maxPointsPercent: null,
        dividendPercent: '10',
        renewalNoticeDays: 7,
      },
      problems: [],
    });
  });

  it.each([
    ['no price', { price: '' }, [{ field: 'price', problem: 'required' }]],
    ['a price with three decimals', { price: '10.005' }, [{ field: 'price', problem: 'invalid' }]],
    ['no name', { name: ' ' }, [{ field: 'name', problem: 'required' }]],
    ['a code with spaces', { code: 'my plan' }, [{ field: 'code', problem: 'invalid' }]],
    ['a discount over 100 %', { discountPercent: '120' }, [{ field: 'discountPercent', problem: 'invalid' }]],
    [
      'a lifetime plan with a trial',
      { period: 'lifetime' as const, trialDays: 14 },
      [{ field: 'trialDays', problem: 'lifetimeTrial' }],
    ],
    ['a perk with capitals', { perks: ['Closed Sales'] }, [{ field: 'perks', problem: 'perk' }]],
    [
      'a points cap over 100 %',
      { maxPointsPercent: 150 },
      [{ field: 'maxPointsPercent', problem: 'invalid' }],
    ],
  ] as const)('reports %s', (_name, over, problems) => {
    expect(toPlanBody(form(over as Partial<PlanFormValues>), { isNew: true }).problems).toEqual(problems);
  });

  it('edits a stored plan without its code and period, and can archive it', () => {
    const plan: MembershipPlan = {
      planId: 'mpl_1',
      code: 'prime',
      name: 'Prime',
      status: 'active',
      period: 'month',
      priceMinor: 29_900,
      trialDays: 7,
      discountPercent: '3',
      earnMultiplier: '2',
      perks: ['closed_sales', 'free_delivery'],
      freeDelivery: true,
      maxPointsPercent: 50,
      dividendPercent: null,
      renewalNoticeDays: 3,
      createdAt: '2026-11-01T00:00:00Z',
      updatedAt: '2026-11-01T00:00:00Z',
    };
    const values = fromPlan(plan);
    expect(values).toMatchObject({
      price: '299.00',
      freeDelivery: true,
      perks: ['closed_sales'],
      dividendPercent: '',
    });
    expect(toPlanBody({ ...values, status: 'archived' }, { isNew: false })).toEqual({
      body: {
        name: 'Prime',
        status: 'archived',
        priceMinor: 29_900,
        trialDays: 7,
        discountPercent: '3',
        earnMultiplier: '2',
        perks: ['closed_sales', 'free_delivery'],
        maxPointsPercent: 50,
        dividendPercent: null,
        renewalNoticeDays: 3,
      },
      problems: [],
    });
  });
});
