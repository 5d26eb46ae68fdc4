import type { CampaignLimitPeriod } from '../receipts/campaign';
import { LIMIT_PERIODS } from './limit-period';

// Rewards for events outside receipts: joining (welcome), birthdays, reviews, surveys, profile
// completion, app installs, and custom events an integration sends.

export const BUILT_IN_EVENTS = [
  'welcome',
  'birthday',
  'review',
  'survey',
  'profile_completed',
  'app_install',
] as const;
const EVENT_TYPE = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

export type EventRewardRule = {
  readonly eventType: string;
  readonly name: string;
  readonly points: number;
  /** A personal coupon series to issue a coupon from, or null. */
  readonly couponSeriesId: string | null;
  /** How long the coupon is valid: the series' rule, or until the end of the month of the event. */
  readonly couponValidity: 'series' | 'end_of_month';
  /** At most this many rewarded events per member and period; null = no cap. */
  readonly maxPerMember: number | null;
  readonly period: CampaignLimitPeriod;
  readonly active: boolean;
};

export type EventRuleProblem = { readonly field: string; readonly message: string };

/** Defaults that match what people mean: one welcome ever, one birthday gift a year. */
const defaultCap = (eventType: string): { max: number | null; period: CampaignLimitPeriod } =>
  eventType === 'welcome'
    ? { max: 1, period: 'ever' }
    : eventType === 'birthday'
      ? { max: 1, period: 'year' }
      : { max: null, period: 'ever' };

export const normalizeEventRewardRules = (
  input: unknown,
): { ok: true; value: EventRewardRule[] } | { ok: false; problems: EventRuleProblem[] } => {
  const problems: EventRuleProblem[] = [];
  if (!Array.isArray(input))
    return { ok: false, problems: [{ field: 'rules', message: 'must be a list of rules' }] };
  const seen = new Set<string>();
  const rules = input.map((raw, index): EventRewardRule => {
    const field = (name: string) => `rules.${index}.${name}`;
    const rule = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const eventType = typeof rule.eventType === 'string' ? rule.eventType : '';
    if (!EVENT_TYPE.test(eventType)) {
      problems.push({
        field: field('eventType'),
        message: `must be a lower-case event name like ${BUILT_IN_EVENTS.join(', ')} or your own ("custom.quiz")`,
      });
    } else if (seen.has(eventType)) {
      problems.push({
        field: field('eventType'),
        message: `"${eventType}" has a rule already; one rule per event type`,
      });
    }
    seen.add(eventType);
    const name = typeof rule.name === 'string' && rule.name.trim() !== '' ? rule.name : eventType;
    const points = rule.points ?? 0;
    if (typeof points !== 'number' || !Number.isSafeInteger(points) || points < 0 || points > 1_000_000_000) {
      problems.push({ field: field('points'), message: 'must be a whole number of points ≥ 0' });
    }
    const couponSeriesId = rule.couponSeriesId ?? null;
    if (couponSeriesId !== null && (typeof couponSeriesId !== 'string' || couponSeriesId === '')) {
      problems.push({
        field: field('couponSeriesId'),
        message: 'must name a personal coupon series, or be null',
      });
    }
    if (points === 0 && couponSeriesId === null) {
      problems.push({ field: field('points'), message: 'a rule needs points or a couponSeriesId' });
    }
    const couponValidity = rule.couponValidity ?? 'series';
    if (couponValidity !== 'series' && couponValidity !== 'end_of_month') {
      problems.push({ field: field('couponValidity'), message: 'must be series or end_of_month' });
    }
    const cap = defaultCap(eventType);
    const maxPerMember = rule.maxPerMember === undefined ? cap.max : rule.maxPerMember;
    if (
      maxPerMember !== null &&
      (typeof maxPerMember !== 'number' || !Number.isSafeInteger(maxPerMember) || maxPerMember < 1)
    ) {
      problems.push({
        field: field('maxPerMember'),
        message: 'must be a whole number ≥ 1, or null for no cap',
      });
    }
    const period = rule.period ?? cap.period;
    if (!(LIMIT_PERIODS as readonly unknown[]).includes(period)) {
      problems.push({ field: field('period'), message: `must be one of ${LIMIT_PERIODS.join(', ')}` });
    }
    const active = rule.active ?? true;
    if (typeof active !== 'boolean')
      problems.push({ field: field('active'), message: 'must be true or false' });
    return {
      eventType,
      name: String(name),
      points: Number(points),
      couponSeriesId: couponSeriesId as string | null,
      couponValidity: couponValidity as EventRewardRule['couponValidity'],
      maxPerMember: maxPerMember as number | null,
      period: period as CampaignLimitPeriod,
      active: active === true,
    };
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: rules };
};

/** Whether `birthDate` ('YYYY-MM-DD') falls on the local date `today` ('YYYY-MM-DD'); 29 February on the 28th otherwise. */
export const isBirthdayOn = (birthDate: string, today: string): boolean => {
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const birth = birthDate.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (birth === '02-29' && !leap) return month === 2 && day === 28;
  return birth === today.slice(5);
};
