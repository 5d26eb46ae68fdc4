import { validateMembershipPlan } from '@kopilka/domain/tiers';
import { minorToInput, parseMoneyToMinor } from './money';
import type { MembershipPeriod, MembershipPlan } from './types';

// The paid-plan editor works on text fields; this turns them into the create/patch body with the
// domain's own plan rules, so a mistake is shown beside its field before anything is sent.

export const FREE_DELIVERY = 'free_delivery';

export type PlanFormValues = {
  code: string;
  name: string;
  status: 'active' | 'archived';
  period: MembershipPeriod;
  price: string; // major units
  trialDays: number | string;
  discountPercent: string;
  earnMultiplier: string;
  freeDelivery: boolean;
  perks: string[]; // other named perks (closed_sales…)
  maxPointsPercent: number | string; // '' = the program's cap
  dividendPercent: string; // '' = none
  renewalNoticeDays: number | string;
};

export type PlanField = keyof PlanFormValues;
export type PlanProblem = { field: PlanField; problem: 'required' | 'invalid' | 'lifetimeTrial' | 'perk' };

export type PlanBody = {
  code?: string;
  name: string;
  status?: 'active' | 'archived';
  period?: MembershipPeriod;
  priceMinor: number;
  trialDays: number;
  discountPercent: string;
  earnMultiplier: string;
  perks: string[];
  maxPointsPercent: number | null;
  dividendPercent: string | null;
  renewalNoticeDays: number;
};

export const emptyPlanForm = (): PlanFormValues => ({
  code: '',
  name: '',
  status: 'active',
  period: 'year',
  price: '',
  trialDays: 0,
  discountPercent: '0',
  earnMultiplier: '1',
  freeDelivery: false,
  perks: [],
  maxPointsPercent: '',
  dividendPercent: '',
  renewalNoticeDays: 7,
});

export function fromPlan(plan: MembershipPlan, digits = 2): PlanFormValues {
  return {
    code: plan.code,
    name: plan.name,
    status: plan.status === 'archived' ? 'archived' : 'active',
    period: plan.period,
    price: minorToInput(plan.priceMinor, digits),
    trialDays: plan.trialDays,
    discountPercent: plan.discountPercent,
    earnMultiplier: plan.earnMultiplier,
    freeDelivery: plan.perks.includes(FREE_DELIVERY),
    perks: plan.perks.filter((p) => p !== FREE_DELIVERY),
    maxPointsPercent: plan.maxPointsPercent ?? '',
    dividendPercent: plan.dividendPercent ?? '',
    renewalNoticeDays: plan.renewalNoticeDays,
  };
}

const toInt = (v: number | string): number => (typeof v === 'number' ? v : v.trim() === '' ? 0 : Number(v));
const decimal = (text: string) => text.trim().replace(',', '.');

/**
 * The body for POST /v1/membership-plans (with code and period) or PATCH (without: a plan's code
 * and period never change). Problems name the form's fields.
 */
export function toPlanBody(
  v: PlanFormValues,
  opts: { digits?: number; isNew: boolean },
): { body: PlanBody; problems: [] } | { body?: undefined; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const priceMinor = parseMoneyToMinor(v.price.trim() || '', opts.digits ?? 2);
  if (v.price.trim() === '') problems.push({ field: 'price', problem: 'required' });
  else if (priceMinor === undefined) problems.push({ field: 'price', problem: 'invalid' });
  const perks = [
    ...new Set([...v.perks.map((p) => p.trim()).filter(Boolean), ...(v.freeDelivery ? [FREE_DELIVERY] : [])]),
  ];
  const body: PlanBody = {
    name: v.name.trim(),
    priceMinor: priceMinor ?? 0,
    trialDays: toInt(v.trialDays),
    discountPercent: decimal(v.discountPercent) || '0',
    earnMultiplier: decimal(v.earnMultiplier) || '1',
    perks,
    maxPointsPercent:
      typeof v.maxPointsPercent === 'string' && v.maxPointsPercent.trim() === ''
        ? null
        : toInt(v.maxPointsPercent),
    dividendPercent: decimal(v.dividendPercent) || null,
    renewalNoticeDays: toInt(v.renewalNoticeDays),
  };
  const fieldOf: Record<string, PlanField> = {
    code: 'code',
    name: 'name',
    period: 'period',
    priceMinor: 'price',
    trialDays: 'trialDays',
    renewalNoticeDays: 'renewalNoticeDays',
    discountPercent: 'discountPercent',
    earnMultiplier: 'earnMultiplier',
    dividendPercent: 'dividendPercent',
    maxPointsPercent: 'maxPointsPercent',
    perks: 'perks',
  };
  for (const p of validateMembershipPlan({ ...body, code: v.code.trim(), period: v.period })) {
    const field = fieldOf[p.field.split(/[.[]/)[0] ?? ''] ?? 'name';
    if (field === 'price' && problems.some((x) => x.field === 'price')) continue;
    const problem: PlanProblem['problem'] =
      field === 'trialDays' && v.period === 'lifetime' && body.trialDays > 0
        ? 'lifetimeTrial'
        : field === 'perks'
          ? 'perk'
          : (field === 'name' || field === 'code') && !(field === 'name' ? body.name : v.code.trim())
            ? 'required'
            : 'invalid';
    if (!problems.some((x) => x.field === field)) problems.push({ field, problem });
  }
  if (problems.length > 0) return { problems };
  if (opts.isNew) return { body: { ...body, code: v.code.trim(), period: v.period }, problems: [] };
  return { body: { ...body, status: v.status }, problems: [] };
}
