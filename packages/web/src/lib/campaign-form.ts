import { minorToInput, parseMoneyToMinor } from './money';
import type { Campaign, CampaignStatus } from './types';

// The campaign editor works on text fields; this turns them into the v1 campaign body and back.

export type EffectType = 'earn_multiplier' | 'bonus_points' | 'discount_percent';

export type CampaignFormValues = {
  name: string;
  status: CampaignStatus;
  startsAt: string; // datetime-local text, '' = no start
  endsAt: string;
  priority: number;
  minAmount: string; // major units
  categories: string[];
  skus: string[];
  daysOfWeek: string[]; // '1'..'7', ISO (1 = Monday)
  coupon: string;
  effectType: EffectType;
  multiplier: string;
  points: number;
  percent: string;
};

export type CampaignBody = Omit<Campaign, 'campaignId'>;

export type FormProblem = { field: keyof CampaignFormValues; problem: 'required' | 'invalid' | 'order' };

export const emptyCampaignForm = (): CampaignFormValues => ({
  name: '',
  status: 'draft',
  startsAt: '',
  endsAt: '',
  priority: 10,
  minAmount: '0',
  categories: [],
  skus: [],
  daysOfWeek: [],
  coupon: '',
  effectType: 'earn_multiplier',
  multiplier: '2',
  points: 100,
  percent: '10',
});

const DECIMAL = /^\d+(\.\d+)?$/;

/** datetime-local ("2026-11-28T10:00") in the browser's zone → ISO instant. */
export function localToIso(text: string): string | undefined {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function toCampaignBody(
  v: CampaignFormValues,
  currencyDigits = 2,
): { body: CampaignBody; problems: [] } | { body?: undefined; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  if (!v.name.trim()) problems.push({ field: 'name', problem: 'required' });
  const minAmountMinor = parseMoneyToMinor(v.minAmount || '0', currencyDigits);
  if (minAmountMinor === undefined) problems.push({ field: 'minAmount', problem: 'invalid' });
  const startsAt = v.startsAt ? localToIso(v.startsAt) : null;
  const endsAt = v.endsAt ? localToIso(v.endsAt) : null;
  if (startsAt === undefined) problems.push({ field: 'startsAt', problem: 'invalid' });
  if (endsAt === undefined) problems.push({ field: 'endsAt', problem: 'invalid' });
  if (startsAt && endsAt && startsAt >= endsAt) problems.push({ field: 'endsAt', problem: 'order' });
  let effect: CampaignBody['effect'];
  switch (v.effectType) {
    case 'earn_multiplier':
      if (!DECIMAL.test(v.multiplier.trim()) || Number(v.multiplier) <= 0)
        problems.push({ field: 'multiplier', problem: 'invalid' });
      effect = { type: 'earn_multiplier', multiplier: v.multiplier.trim() };
      break;
    case 'bonus_points':
      if (!Number.isInteger(v.points) || v.points <= 0)
        problems.push({ field: 'points', problem: 'invalid' });
      effect = { type: 'bonus_points', points: v.points };
      break;
    case 'discount_percent':
      if (!DECIMAL.test(v.percent.trim()) || Number(v.percent) <= 0 || Number(v.percent) > 100)
        problems.push({ field: 'percent', problem: 'invalid' });
      effect = { type: 'discount_percent', percent: v.percent.trim() };
      break;
  }
  if (problems.length > 0) return { problems };
  return {
    body: {
      name: v.name.trim(),
      status: v.status,
      startsAt: startsAt ?? null,
      endsAt: endsAt ?? null,
      priority: v.priority,
      conditions: {
        minAmountMinor: minAmountMinor ?? 0,
        categories: v.categories,
        skus: v.skus,
        daysOfWeek: v.daysOfWeek.map(Number).sort((a, b) => a - b),
        coupon: v.coupon.trim() || null,
      },
      effect,
    },
    problems: [],
  };
}

export function fromCampaign(c: Campaign, currencyDigits = 2): CampaignFormValues {
  const base = emptyCampaignForm();
  const effect = c.effect as { type: string; multiplier?: unknown; points?: unknown; percent?: unknown };
  const known = ['draft', 'active', 'paused', 'ended'];
  return {
    ...base,
    name: c.name,
    status: (known.includes(c.status) ? c.status : 'draft') as CampaignStatus,
    startsAt: isoToLocalInput(c.startsAt),
    endsAt: isoToLocalInput(c.endsAt),
    priority: c.priority,
    minAmount: minorToInput(c.conditions?.minAmountMinor ?? 0, currencyDigits),
    categories: c.conditions?.categories ?? [],
    skus: c.conditions?.skus ?? [],
    daysOfWeek: (c.conditions?.daysOfWeek ?? []).map(String),
    coupon: c.conditions?.coupon ?? '',
    effectType: (['earn_multiplier', 'bonus_points', 'discount_percent'].includes(effect.type)
      ? effect.type
      : base.effectType) as EffectType,
    multiplier: typeof effect.multiplier === 'string' ? effect.multiplier : base.multiplier,
    points: typeof effect.points === 'number' ? effect.points : base.points,
    percent: typeof effect.percent === 'string' ? effect.percent : base.percent,
  };
}
