import { tryParseDecimal } from '../money';
import type {
  Campaign,
  CampaignAudience,
  CampaignConditions,
  CampaignEffect,
  CampaignLimits,
  CampaignScope,
  CampaignStacking,
  CampaignStatus,
} from '../receipts/campaign';
import { parseHours } from '../receipts/parse-pricing-config';
import { parseQuantityMilli } from '../receipts/parse-quantity';
import { LIMIT_PERIODS } from './limit-period';

// A campaign as marketers and integrators write it (API contract v1 plus optional fields), checked
// field by field so that every mistake comes back at once with its path and a way to fix it.

export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['draft', 'active', 'paused', 'ended'];
export const CHANNELS = ['pos', 'web', 'app'] as const;
export const EFFECT_TYPES = [
  'earn_multiplier',
  'bonus_points',
  'discount_percent',
  'discount_amount',
  'earn_rate',
  'nth_item_free',
  'bundle_price',
  'stamp',
  'threshold_reward',
  'free_delivery',
  'issue_coupon',
] as const;

/** The stored, normalized form: every v1 field present, optional groups null when not used. */
export type CampaignDefinition = {
  readonly name: string;
  readonly status: CampaignStatus;
  readonly startsAt: string | null;
  readonly endsAt: string | null;
  readonly priority: number;
  readonly conditions: CampaignConditions;
  readonly effect: CampaignEffect;
  readonly audience: CampaignAudience | null;
  readonly scope: CampaignScope | null;
  readonly stacking: CampaignStacking | null;
  readonly limits: CampaignLimits | null;
};

export type CampaignProblem = { readonly field: string; readonly message: string };

export type CampaignDefinitionResult =
  | { readonly ok: true; readonly value: CampaignDefinition }
  | { readonly ok: false; readonly problems: readonly CampaignProblem[] };

const MAX_LIST = 1000;
const MAX_TEXT = 200;
const MAX_PRIORITY = 1_000_000;

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Checker {
  readonly problems: CampaignProblem[] = [];

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  integer(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(
        field,
        max === Number.MAX_SAFE_INTEGER
          ? `must be a whole number ≥ ${min}`
          : `must be a whole number from ${min} to ${max}`,
      );
      return min;
    }
    return value;
  }

  optionalInteger(value: unknown, field: string, min: number, max?: number): number | null {
    return value === undefined || value === null ? null : this.integer(value, field, min, max);
  }

  text(value: unknown, field: string, maxLength = MAX_TEXT): string {
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength) {
      this.fail(field, `must be a non-empty text of at most ${maxLength} characters`);
      return '';
    }
    return value;
  }

  optionalText(value: unknown, field: string, maxLength = MAX_TEXT): string | null {
    return value === undefined || value === null ? null : this.text(value, field, maxLength);
  }

  list(value: unknown, field: string): string[] {
    if (value === undefined || value === null) return [];
    if (
      !Array.isArray(value) ||
      value.length > MAX_LIST ||
      !value.every((item) => typeof item === 'string')
    ) {
      this.fail(field, `must be a list of at most ${MAX_LIST} texts`);
      return [];
    }
    return [...new Set(value as string[])];
  }

  boolean(value: unknown, field: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.fail(field, 'must be true or false');
      return fallback;
    }
    return value;
  }

  /** A decimal string such as "2" or "0.05" within [min, max]. */
  decimal(value: unknown, field: string, min: bigint, max: bigint | null, example: string): string {
    const parsed = tryParseDecimal(value);
    const range = max === null ? `${min} or more` : `from ${min} to ${max}`;
    if (!parsed.ok) {
      this.fail(field, `must be a decimal string like "${example}" (${range}); numbers are not accepted`);
      return '0';
    }
    const { num, den } = parsed.value;
    if (num < min * den || (max !== null && num > max * den)) {
      this.fail(field, `must be ${range}`);
    }
    return value as string;
  }

  instant(value: unknown, field: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
      this.fail(field, 'must be an ISO 8601 date-time like "2026-12-01T00:00:00Z", or null');
      return null;
    }
    return new Date(value).toISOString();
  }

  /** Unknown fields are usually typos ("dayOfWeek"): name them instead of ignoring them. */
  knownKeys(raw: Obj, allowed: readonly string[], prefix: string): void {
    for (const key of Object.keys(raw)) {
      if (!allowed.includes(key))
        this.fail(`${prefix}.${key}`, `is not a known field here (known: ${allowed.join(', ')})`);
    }
  }

  object(value: unknown, field: string): Obj | null {
    if (value === undefined || value === null) return null;
    if (!isObject(value)) {
      this.fail(field, 'must be an object');
      return null;
    }
    return value;
  }
}

const checkConditions = (c: Checker, input: unknown): CampaignConditions => {
  const raw = c.object(input, 'conditions') ?? {};
  c.knownKeys(
    raw,
    [
      'minAmountMinor',
      'categories',
      'skus',
      'daysOfWeek',
      'coupon',
      'hours',
      'minQuantity',
      'couponSeriesId',
    ],
    'conditions',
  );
  const daysOfWeek = raw.daysOfWeek ?? [];
  let days: number[] = [];
  if (
    !Array.isArray(daysOfWeek) ||
    !daysOfWeek.every((day) => typeof day === 'number' && Number.isInteger(day) && day >= 1 && day <= 7)
  ) {
    c.fail('conditions.daysOfWeek', 'must list ISO days of the week: 1 (Monday) to 7 (Sunday)');
  } else {
    days = [...new Set(daysOfWeek as number[])].sort((a, b) => a - b);
  }
  const coupon = c.optionalText(raw.coupon, 'conditions.coupon', 64);
  const couponSeriesId = c.optionalText(raw.couponSeriesId, 'conditions.couponSeriesId', 128);
  if (coupon !== null && couponSeriesId !== null) {
    c.fail('conditions.couponSeriesId', 'give either a promo code (coupon) or a coupon series, not both');
  }
  const conditions: CampaignConditions = {
    minAmountMinor:
      raw.minAmountMinor === undefined ? 0 : c.integer(raw.minAmountMinor, 'conditions.minAmountMinor', 0),
    categories: c.list(raw.categories, 'conditions.categories'),
    skus: c.list(raw.skus, 'conditions.skus'),
    daysOfWeek: days,
    coupon: coupon === null ? null : coupon.trim(),
  };
  const extra: { hours?: CampaignConditions['hours']; minQuantity?: string; couponSeriesId?: string } = {};
  if (raw.hours !== undefined && raw.hours !== null) {
    if (parseHours(raw.hours) === null) {
      c.fail(
        'conditions.hours',
        'must be { "from": "HH:MM", "to": "HH:MM" } (local time; from ≠ to; may wrap midnight)',
      );
    } else {
      const hours = raw.hours as { from: string; to: string };
      extra.hours = { from: hours.from, to: hours.to };
    }
  }
  if (raw.minQuantity !== undefined && raw.minQuantity !== null) {
    if (typeof raw.minQuantity !== 'string' || !parseQuantityMilli(raw.minQuantity).ok) {
      c.fail(
        'conditions.minQuantity',
        'must be a decimal string greater than 0 with at most 3 decimals, like "2"',
      );
    } else {
      extra.minQuantity = raw.minQuantity;
    }
  }
  if (couponSeriesId !== null) extra.couponSeriesId = couponSeriesId;
  return { ...conditions, ...extra };
};

const EFFECT_FIELDS: Record<string, readonly string[]> = {
  earn_multiplier: ['multiplier'],
  bonus_points: ['points'],
  discount_percent: ['percent'],
  discount_amount: ['amountMinor', 'per'],
  earn_rate: ['pointsPerUnit'],
  nth_item_free: ['buy', 'free'],
  bundle_price: ['priceMinor', 'items'],
  stamp: ['every'],
  threshold_reward: ['thresholdMinor', 'rewardMinor', 'rewardPoints'],
  free_delivery: ['categories', 'skus'],
  issue_coupon: ['seriesId'],
};

const checkEffect = (c: Checker, input: unknown): CampaignEffect => {
  const raw = c.object(input, 'effect');
  const fallback: CampaignEffect = { type: 'bonus_points', points: 0 };
  if (raw === null) {
    c.fail('effect', `is required: an object with "type" (one of ${EFFECT_TYPES.join(', ')})`);
    return fallback;
  }
  const f = (name: string) => `effect.${name}`;
  const fields = EFFECT_FIELDS[String(raw.type)];
  if (fields) c.knownKeys(raw, ['type', ...fields], 'effect');
  switch (raw.type) {
    case 'earn_multiplier':
      return {
        type: 'earn_multiplier',
        multiplier: c.decimal(raw.multiplier, f('multiplier'), 0n, 1000n, '2'),
      };
    case 'bonus_points':
      return { type: 'bonus_points', points: c.integer(raw.points, f('points'), 0) };
    case 'discount_percent':
      return { type: 'discount_percent', percent: c.decimal(raw.percent, f('percent'), 0n, 100n, '15') };
    case 'discount_amount': {
      const per = raw.per ?? 'receipt';
      if (per !== 'receipt' && per !== 'line' && per !== 'unit')
        c.fail(f('per'), 'must be receipt, line or unit');
      return {
        type: 'discount_amount',
        amountMinor: c.integer(raw.amountMinor, f('amountMinor'), 1),
        per: per as 'receipt' | 'line' | 'unit',
      };
    }
    case 'earn_rate':
      return {
        type: 'earn_rate',
        pointsPerUnit: c.decimal(raw.pointsPerUnit, f('pointsPerUnit'), 0n, 1000n, '0.1'),
      };
    case 'nth_item_free':
      return {
        type: 'nth_item_free',
        buy: c.integer(raw.buy, f('buy'), 1, 1000),
        free: c.integer(raw.free, f('free'), 1, 1000),
      };
    case 'bundle_price': {
      const items = raw.items;
      if (!Array.isArray(items) || items.length === 0 || items.length > 20) {
        c.fail(f('items'), 'must list 1 to 20 components: { skus?, categories?, quantity }');
        return fallback;
      }
      return {
        type: 'bundle_price',
        priceMinor: c.integer(raw.priceMinor, f('priceMinor'), 0),
        items: items.map((item, index) => {
          const field = `effect.items.${index}`;
          const component = c.object(item, field) ?? {};
          const skus = c.list(component.skus, `${field}.skus`);
          const categories = c.list(component.categories, `${field}.categories`);
          if (skus.length === 0 && categories.length === 0) {
            c.fail(field, 'needs skus or categories to say which lines belong to this component');
          }
          return { skus, categories, quantity: c.integer(component.quantity, `${field}.quantity`, 1, 1000) };
        }),
      };
    }
    case 'stamp':
      return { type: 'stamp', every: c.integer(raw.every, f('every'), 2, 1000) };
    case 'threshold_reward': {
      const rewardMinor = c.optionalInteger(raw.rewardMinor, f('rewardMinor'), 0) ?? 0;
      const rewardPoints = c.optionalInteger(raw.rewardPoints, f('rewardPoints'), 0) ?? 0;
      if (rewardMinor === 0 && rewardPoints === 0) {
        c.fail(f('rewardMinor'), 'give rewardMinor (money off) or rewardPoints (points), or both');
      }
      return {
        type: 'threshold_reward',
        thresholdMinor: c.integer(raw.thresholdMinor, f('thresholdMinor'), 1),
        ...(rewardMinor > 0 ? { rewardMinor } : {}),
        ...(rewardPoints > 0 ? { rewardPoints } : {}),
      };
    }
    case 'free_delivery': {
      const categories =
        raw.categories === undefined ? ['delivery'] : c.list(raw.categories, f('categories'));
      const skus = c.list(raw.skus, f('skus'));
      return { type: 'free_delivery', categories, skus };
    }
    case 'issue_coupon':
      return { type: 'issue_coupon', seriesId: c.text(raw.seriesId, f('seriesId'), 128) };
    default:
      c.fail(f('type'), `must be one of ${EFFECT_TYPES.join(', ')}`);
      return fallback;
  }
};

const checkAudience = (c: Checker, input: unknown): CampaignAudience | null => {
  const raw = c.object(input, 'audience');
  if (raw === null) return null;
  c.knownKeys(raw, ['tiers', 'membersOnly', 'newMembersWithinDays', 'birthday', 'firstPurchase'], 'audience');
  let birthday: CampaignAudience['birthday'] = null;
  if (raw.birthday === 'month') birthday = 'month';
  else if (raw.birthday !== undefined && raw.birthday !== null) {
    const window = c.object(raw.birthday, 'audience.birthday');
    if (window === null) c.fail('audience.birthday', 'must be "month" or { daysBefore, daysAfter }');
    else {
      birthday = {
        daysBefore: c.integer(window.daysBefore ?? 0, 'audience.birthday.daysBefore', 0, 31),
        daysAfter: c.integer(window.daysAfter ?? 0, 'audience.birthday.daysAfter', 0, 31),
      };
    }
  }
  return {
    tiers: c.list(raw.tiers, 'audience.tiers'),
    membersOnly: c.boolean(raw.membersOnly, 'audience.membersOnly', false),
    newMembersWithinDays: c.optionalInteger(
      raw.newMembersWithinDays,
      'audience.newMembersWithinDays',
      1,
      3650,
    ),
    birthday,
    firstPurchase: c.boolean(raw.firstPurchase, 'audience.firstPurchase', false),
  };
};

const checkScope = (c: Checker, input: unknown): CampaignScope | null => {
  const raw = c.object(input, 'scope');
  if (raw === null) return null;
  c.knownKeys(raw, ['storeIds', 'channels'], 'scope');
  const channels = c.list(raw.channels, 'scope.channels');
  if (!channels.every((channel) => (CHANNELS as readonly string[]).includes(channel))) {
    c.fail('scope.channels', `may contain ${CHANNELS.join(', ')}`);
  }
  return { storeIds: c.list(raw.storeIds, 'scope.storeIds'), channels };
};

const checkStacking = (c: Checker, input: unknown): CampaignStacking | null => {
  const raw = c.object(input, 'stacking');
  if (raw === null) return null;
  c.knownKeys(raw, ['exclusiveGroup', 'stopFurther'], 'stacking');
  return {
    exclusiveGroup: c.optionalText(raw.exclusiveGroup, 'stacking.exclusiveGroup', 64),
    stopFurther: c.boolean(raw.stopFurther, 'stacking.stopFurther', false),
  };
};

const checkLimits = (c: Checker, input: unknown): CampaignLimits | null => {
  const raw = c.object(input, 'limits');
  if (raw === null) return null;
  c.knownKeys(
    raw,
    ['totalUses', 'perMember', 'pointsBudget', 'moneyBudgetMinor', 'releaseOnRefund'],
    'limits',
  );
  let perMember: CampaignLimits['perMember'] = null;
  const perMemberRaw = c.object(raw.perMember, 'limits.perMember');
  if (perMemberRaw !== null) {
    const period = perMemberRaw.period ?? 'ever';
    if (!(LIMIT_PERIODS as readonly unknown[]).includes(period)) {
      c.fail('limits.perMember.period', `must be one of ${LIMIT_PERIODS.join(', ')}`);
    }
    perMember = {
      uses: c.integer(perMemberRaw.uses, 'limits.perMember.uses', 1),
      period: period as NonNullable<CampaignLimits['perMember']>['period'],
    };
  }
  return {
    totalUses: c.optionalInteger(raw.totalUses, 'limits.totalUses', 1),
    perMember,
    pointsBudget: c.optionalInteger(raw.pointsBudget, 'limits.pointsBudget', 1),
    moneyBudgetMinor: c.optionalInteger(raw.moneyBudgetMinor, 'limits.moneyBudgetMinor', 1),
    releaseOnRefund: c.boolean(raw.releaseOnRefund, 'limits.releaseOnRefund', true),
  };
};

/** Checks a whole campaign (a POST body, or a stored one merged with a PATCH). */
export const normalizeCampaignDefinition = (input: unknown): CampaignDefinitionResult => {
  const c = new Checker();
  if (!isObject(input)) return { ok: false, problems: [{ field: '', message: 'must be a JSON object' }] };
  const status = input.status ?? 'draft';
  if (!(CAMPAIGN_STATUSES as readonly unknown[]).includes(status)) {
    c.fail('status', `must be one of ${CAMPAIGN_STATUSES.join(', ')}`);
  }
  const startsAt = c.instant(input.startsAt, 'startsAt');
  const endsAt = c.instant(input.endsAt, 'endsAt');
  if (startsAt !== null && endsAt !== null && Date.parse(startsAt) >= Date.parse(endsAt)) {
    c.fail('endsAt', 'must be later than startsAt');
  }
  const definition: CampaignDefinition = {
    name: c.text(input.name, 'name'),
    status: status as CampaignStatus,
    startsAt,
    endsAt,
    priority:
      input.priority === undefined ? 0 : c.integer(input.priority, 'priority', -MAX_PRIORITY, MAX_PRIORITY),
    conditions: checkConditions(c, input.conditions),
    effect: checkEffect(c, input.effect),
    audience: checkAudience(c, input.audience),
    scope: checkScope(c, input.scope),
    stacking: checkStacking(c, input.stacking),
    limits: checkLimits(c, input.limits),
  };
  return c.problems.length > 0 ? { ok: false, problems: c.problems } : { ok: true, value: definition };
};

/** The campaign as receipt calculation takes it. */
export const toCampaign = (campaignId: string, definition: CampaignDefinition): Campaign => ({
  campaignId,
  name: definition.name,
  status: definition.status,
  startsAt: definition.startsAt === null ? null : new Date(definition.startsAt),
  endsAt: definition.endsAt === null ? null : new Date(definition.endsAt),
  priority: definition.priority,
  conditions: definition.conditions,
  effect: definition.effect,
  audience: definition.audience,
  scope: definition.scope,
  stacking: definition.stacking,
  limits: definition.limits,
});

/** Campaigns that need the member's state or facts from the server before calculation. */
export const campaignNeedsMember = (definition: Pick<CampaignDefinition, 'effect' | 'audience'>): boolean => {
  const { effect, audience } = definition;
  return (
    effect.type === 'stamp' ||
    effect.type === 'threshold_reward' ||
    (audience !== null &&
      ((audience.newMembersWithinDays ?? null) !== null ||
        (audience.birthday ?? null) !== null ||
        audience.firstPurchase === true))
  );
};
