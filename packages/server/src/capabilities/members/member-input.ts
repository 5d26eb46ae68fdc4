import { findInvalidTag, MAX_TAGS, normalizeTags } from '@kopilka/domain/members';
import { normalizeCardNumber, normalizeEmail, normalizeExternalId, normalizePhone } from './identifiers';
import type { AttributeType } from './members.table';

// Semantic validation of member fields, shared by the API (create, patch) and the CSV import.
// Every problem is collected so that one response (or one import report line) names all of them.

export type FieldProblem = { field: string; message: string };

export type AttributeDef = { key: string; type: AttributeType; label: string; values: string[] | null };

export type MemberFieldsInput = {
  phone?: string | null | undefined;
  email?: string | null | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  birthDate?: string | null | undefined;
  externalId?: string | null | undefined;
  cardNumber?: string | null | undefined;
  tags?: string[] | undefined;
  attributes?: Record<string, unknown> | undefined;
};

/** Normalized fields; `undefined` = not given, `null` = clear. */
export type MemberFields = {
  phone?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  birthDate?: string | null;
  externalId?: string | null;
  cardNumber?: string | null;
  tags?: string[];
  attributes?: Record<string, unknown>;
};

export type ValidationContext = {
  defaultRegion: string;
  attributeDefs: readonly AttributeDef[];
  today: Date;
  /** Bulk work passes a faster, caching normalizer (see createBulkPhoneNormalizer). */
  normalizePhone?: (raw: string) => string | undefined;
};

const NAME_MAX = 100;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

export function validateAttributeValue(def: AttributeDef, value: unknown): string | undefined {
  switch (def.type) {
    case 'string':
      return typeof value === 'string' && value.length <= 1000
        ? undefined
        : 'must be text up to 1000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'must be an integer';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? undefined : 'must be a date YYYY-MM-DD';
    case 'enum':
      return typeof value === 'string' && (def.values ?? []).includes(value)
        ? undefined
        : `must be one of ${(def.values ?? []).join(', ')}`;
  }
}

function normalizeName(raw: string | null | undefined, field: string, problems: FieldProblem[]) {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length > NAME_MAX) {
    problems.push({ field, message: `must be at most ${NAME_MAX} characters` });
    return undefined;
  }
  return name === '' ? null : name;
}

export function validateMemberFields(
  input: MemberFieldsInput,
  ctx: ValidationContext,
): { fields: MemberFields; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const fields: MemberFields = {};

  const normalizeWith = (
    field: 'phone' | 'email' | 'externalId' | 'cardNumber',
    fn: (raw: string) => string | undefined,
    message: string,
  ) => {
    const raw = input[field];
    if (raw === undefined) return;
    if (raw === null || raw.trim() === '') {
      fields[field] = null;
      return;
    }
    const value = fn(raw);
    if (value === undefined) problems.push({ field, message });
    else fields[field] = value;
  };
  normalizeWith(
    'phone',
    ctx.normalizePhone ?? ((raw) => normalizePhone(raw, ctx.defaultRegion)),
    `is not a valid phone number (use international format, e.g. +79161234567, or a ${ctx.defaultRegion} number)`,
  );
  normalizeWith('email', normalizeEmail, 'is not a valid email address');
  normalizeWith('externalId', normalizeExternalId, 'must be 1–128 characters without control characters');
  normalizeWith(
    'cardNumber',
    normalizeCardNumber,
    'must be 4–32 letters or digits (spaces and dashes are ignored)',
  );

  const firstName = normalizeName(input.firstName, 'firstName', problems);
  if (firstName !== undefined) fields.firstName = firstName;
  const lastName = normalizeName(input.lastName, 'lastName', problems);
  if (lastName !== undefined) fields.lastName = lastName;

  if (input.birthDate !== undefined) {
    const raw = input.birthDate?.trim() ?? '';
    if (raw === '') fields.birthDate = null;
    else if (!isCalendarDate(raw))
      problems.push({ field: 'birthDate', message: 'must be a date YYYY-MM-DD' });
    else if (raw < '1900-01-01' || raw > ctx.today.toISOString().slice(0, 10))
      problems.push({ field: 'birthDate', message: 'must be between 1900-01-01 and today' });
    else fields.birthDate = raw;
  }

  if (input.tags !== undefined) {
    const tags = normalizeTags(input.tags);
    const bad = findInvalidTag(tags);
    if (bad !== undefined)
      problems.push({
        field: 'tags',
        message: `"${bad}" is not a valid tag (letters, digits, _ . : - + and spaces)`,
      });
    else if (tags.length > MAX_TAGS) problems.push({ field: 'tags', message: `at most ${MAX_TAGS} tags` });
    else fields.tags = tags;
  }

  if (input.attributes !== undefined) {
    const defs = new Map(ctx.attributeDefs.map((d) => [d.key, d]));
    const attributes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input.attributes)) {
      const def = defs.get(key);
      if (!def) {
        problems.push({
          field: `attributes.${key}`,
          message: 'is not a defined attribute (define it with PUT /v1/member-attributes)',
        });
        continue;
      }
      if (value === null) {
        attributes[key] = null; // removes the attribute on update
        continue;
      }
      const message = validateAttributeValue(def, value);
      if (message) problems.push({ field: `attributes.${key}`, message });
      else attributes[key] = value;
    }
    fields.attributes = attributes;
  }
  return { fields, problems };
}

export function hasIdentifier(fields: MemberFields): boolean {
  return Boolean(fields.phone || fields.email || fields.externalId || fields.cardNumber);
}
