import { checkPatternCapacity, parseCouponPattern } from '@kopilka/domain/campaigns';
import { localToIso } from './campaign-form';
import type { CouponSeriesKind } from './types';

// The "new coupon series" form: text fields in, the POST /v1/coupon-series body out, with the
// same pattern rules the server applies (the domain's own parser) so mistakes show before sending.

export const MAX_SERIES_CODES = 1_000_000;
const SHARED_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export type SeriesFormValues = {
  name: string;
  kind: CouponSeriesKind;
  pattern: string;
  count: number | string;
  code: string;
  startsAt: string; // datetime-local, '' = no start
  endsAt: string;
  usesPerCode: number | string; // '' = default (1; shared: unlimited)
  usesPerMember: number | string; // '' = no limit
  validDays: number | string; // personal only, '' = no limit
};

export type SeriesField = keyof SeriesFormValues;
export type SeriesProblem = {
  field: SeriesField;
  problem: 'required' | 'invalid' | 'order' | 'pattern' | 'capacity' | 'count';
};

export type SeriesBody = {
  name: string;
  kind: CouponSeriesKind;
  pattern?: string;
  count?: number;
  code?: string;
  startsAt?: string;
  endsAt?: string;
  usesPerCode?: number | null;
  usesPerMember?: number;
  validDays?: number;
};

export const emptySeriesForm = (): SeriesFormValues => ({
  name: '',
  kind: 'unique',
  pattern: 'XXXX-XXXX',
  count: 1000,
  code: '',
  startsAt: '',
  endsAt: '',
  usesPerCode: '',
  usesPerMember: '',
  validDays: '',
});

/** The pattern as the server will read it (letters upper-cased) and how many codes it allows. */
export function describePattern(pattern: string): { ok: true; capacity: bigint } | { ok: false } {
  const parsed = parseCouponPattern(pattern.trim().toUpperCase());
  return parsed.ok ? { ok: true, capacity: parsed.value.capacity } : { ok: false };
}

const positiveInt = (v: number | string): number | undefined => {
  const n = typeof v === 'number' ? v : Number(v.trim());
  return Number.isInteger(n) && n >= 1 ? n : undefined;
};
const isBlank = (v: number | string) => typeof v === 'string' && v.trim() === '';

export function toSeriesBody(
  v: SeriesFormValues,
): { body: SeriesBody; problems: [] } | { body?: undefined; problems: SeriesProblem[] } {
  const problems: SeriesProblem[] = [];
  const body: SeriesBody = { name: v.name.trim(), kind: v.kind };
  if (!body.name) problems.push({ field: 'name', problem: 'required' });
  if (v.kind === 'shared') {
    const code = v.code.trim();
    if (!code) problems.push({ field: 'code', problem: 'required' });
    else if (!SHARED_CODE.test(code)) problems.push({ field: 'code', problem: 'invalid' });
    else body.code = code;
  } else {
    const pattern = v.pattern.trim().toUpperCase();
    const parsed = parseCouponPattern(pattern);
    if (!parsed.ok) problems.push({ field: 'pattern', problem: 'pattern' });
    else body.pattern = pattern;
    if (v.kind === 'unique') {
      const count = positiveInt(v.count);
      if (count === undefined || count > MAX_SERIES_CODES)
        problems.push({ field: 'count', problem: 'count' });
      else {
        body.count = count;
        if (parsed.ok && checkPatternCapacity(parsed.value, count) !== null)
          problems.push({ field: 'pattern', problem: 'capacity' });
      }
    } else if (parsed.ok && parsed.value.capacity < 1_000_000_000n) {
      problems.push({ field: 'pattern', problem: 'capacity' });
    }
  }
  const startsAt = v.startsAt ? localToIso(v.startsAt) : null;
  const endsAt = v.endsAt ? localToIso(v.endsAt) : null;
  if (startsAt === undefined) problems.push({ field: 'startsAt', problem: 'invalid' });
  if (endsAt === undefined) problems.push({ field: 'endsAt', problem: 'invalid' });
  if (startsAt && endsAt && startsAt >= endsAt) problems.push({ field: 'endsAt', problem: 'order' });
  if (startsAt) body.startsAt = startsAt;
  if (endsAt) body.endsAt = endsAt;
  for (const field of ['usesPerCode', 'usesPerMember', 'validDays'] as const) {
    if (field === 'validDays' && v.kind !== 'personal') continue;
    if (isBlank(v[field])) continue;
    const n = positiveInt(v[field]);
    if (n === undefined) problems.push({ field, problem: 'invalid' });
    else body[field] = n;
  }
  return problems.length > 0 ? { problems } : { body, problems: [] };
}

/** Where a file of the series' codes is downloaded from (CSV, streamed by the server). */
export const seriesCsvPath = (seriesId: string) =>
  `/v1/coupon-series/${encodeURIComponent(seriesId)}/codes?format=csv`;
