import { randomBytes } from 'node:crypto';
import { EAN13_LENGTH, findCardSerial, isValidEan13 } from '@kopilka/domain/members';
import { VIRTUAL_CARD_PREFIX } from '../cards/cards.service';
import { createBulkPhoneNormalizer } from './identifiers';
import {
  type AttributeDef,
  hasIdentifier,
  type MemberFieldsInput,
  type ValidationContext,
  validateMemberFields,
} from './member-input';

// One CSV row of `kopilka import members` -> one line of COPY text for the staging table, or the
// reason it cannot be imported. Pure apart from id randomness, so the same code runs in the
// importing thread (small files, PGlite) and in parse workers (import-members.worker.ts).

const COLUMN_ALIASES: Record<string, string> = {
  phone: 'phone',
  email: 'email',
  firstname: 'firstName',
  lastname: 'lastName',
  birthdate: 'birthDate',
  externalid: 'externalId',
  cardnumber: 'cardNumber',
  tags: 'tags',
  consentemail: 'consentEmail',
  consentsms: 'consentSms',
  consentpush: 'consentPush',
  consentversion: 'consentVersion',
};
// Columns of `kopilka export members` that an import of that file knowingly skips.
const EXPORT_ONLY = new Set(['memberid', 'status', 'createdat', 'source']);

function canonicalColumn(header: string): string | undefined {
  const h = header.trim();
  const attr = /^(?:attr|attributes)\.([a-z][a-z0-9_]{0,39})$/i.exec(h);
  if (attr) return `attr.${attr[1]}`;
  return COLUMN_ALIASES[h.replace(/[\s_-]/g, '').toLowerCase()];
}

/** The header record's columns (undefined = ignored) and the unknown ones, for the report. */
export function readHeader(record: readonly string[]): {
  columns: (string | undefined)[];
  ignored: string[];
} {
  const ignored: string[] = [];
  const columns = record.map((h) => {
    const c = canonicalColumn(h);
    if (!c && !EXPORT_ONLY.has(h.replace(/[\s_-]/g, '').toLowerCase())) ignored.push(h);
    return c;
  });
  if (!columns.some((c) => c === 'phone' || c === 'email' || c === 'externalId' || c === 'cardNumber')) {
    throw new Error(
      'The first line must name the columns, with at least one of phone, email, externalId, cardNumber.',
    );
  }
  return { columns, ignored };
}

export type LineCounter = { next: number };

/**
 * The line a record starts on, moving the counter past it and past line breaks inside its quoted
 * cells; undefined for a blank line. (csv-parse's `info` would tell, but triples its cost.)
 */
export function takeLine(record: readonly string[], counter: LineCounter): number | undefined {
  const line = counter.next;
  counter.next += 1;
  for (const cell of record) if (cell.includes('\n')) counter.next += cell.split('\n').length - 1;
  if (record.length === 1 && record[0]?.trim() === '') return undefined;
  return line;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'да', 't']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'нет', 'f']);

function parseConsent(raw: string | undefined): boolean | null | 'bad' {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '') return null;
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return 'bad';
}

export type StagedRow = {
  line: number;
  memberId: string;
  phone: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  externalId: string | null;
  cardNumber: string | null;
  cardKind: 'virtual' | 'plastic' | 'external';
  /** The batch of a plastic card. */
  batchId: string | null;
  tags: string[] | null;
  attributes: Record<string, unknown> | null;
  consentEmail: boolean | null;
  consentSms: boolean | null;
  consentPush: boolean | null;
  consentVersion: string | null;
};

// COPY text format: tab-separated, \N for NULL, backslash escapes.
const NEEDS_COPY_ESCAPE = /[\\\t\n\r]/;
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_COPY_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Member ids in the format of `newId('mbr')` (time part, then 80 random bits in Crockford
 * base32), drawing randomness from a pooled buffer: one `randomBytes` call per row costs more than
 * parsing the row.
 */
export function createBulkIdGenerator(prefix: string): () => string {
  let pool = randomBytes(10 * 4096);
  let offset = 0;
  return () => {
    if (offset + 10 > pool.length) {
      pool = randomBytes(10 * 4096);
      offset = 0;
    }
    let out = `${prefix}_${Date.now().toString(32).padStart(9, '0')}`;
    let buffer = 0;
    let bits = 0;
    for (let i = offset; i < offset + 10; i++) {
      buffer = ((buffer << 8) | (pool[i] as number)) & 0xffff;
      bits += 8;
      while (bits >= 5) {
        out += CROCKFORD[(buffer >> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    offset += 10;
    return out;
  };
}

function copyBool(value: boolean | null): string {
  return value === null ? '\\N' : value ? 't' : 'f';
}

export function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export function toCopyLine(tenantId: string, importId: string, r: StagedRow): string {
  return `${[
    copyText(tenantId),
    copyText(importId),
    String(r.line),
    copyText(r.memberId),
    copyText(r.phone),
    copyText(r.email),
    copyText(r.firstName),
    copyText(r.lastName),
    copyText(r.birthDate),
    copyText(r.externalId),
    copyText(r.cardNumber),
    copyText(r.cardKind),
    copyText(r.tags ? pgArray(r.tags) : null),
    copyText(r.attributes ? JSON.stringify(r.attributes) : null),
    copyBool(r.consentEmail),
    copyBool(r.consentSms),
    copyBool(r.consentPush),
    copyText(r.consentVersion),
  ].join('\t')}\n`;
}

/** A `member` row as COPY text (the bulk path writes members directly). */
export function toMemberCopyLine(tenantId: string, nowIso: string, r: StagedRow): string {
  return `${[
    copyText(r.memberId),
    copyText(tenantId),
    copyText(r.phone),
    copyText(r.email),
    copyText(r.firstName),
    copyText(r.lastName),
    copyText(r.birthDate),
    copyText(r.externalId),
    copyText(pgArray(r.tags ?? [])),
    copyText(JSON.stringify(r.attributes ?? {})),
    'import',
    nowIso,
    nowIso,
  ].join('\t')}\n`;
}

export const MEMBER_COPY_COLUMNS =
  'id, tenant_id, phone, email, first_name, last_name, birth_date, external_id, tags, attributes, source, created_at, updated_at';

/** The row's marketing consents as COPY text for `member_consent` and `member_consent_event`. */
export function toConsentCopyLines(
  tenantId: string,
  importId: string,
  nowIso: string,
  r: StagedRow,
): { consents: string; events: string; count: number } {
  let consents = '';
  let events = '';
  let count = 0;
  const version = copyText(r.consentVersion);
  for (const [channel, granted] of [
    ['email', r.consentEmail],
    ['sms', r.consentSms],
    ['push', r.consentPush],
  ] as const) {
    if (granted === null) continue;
    count++;
    const head = `${copyText(tenantId)}\t${copyText(r.memberId)}\t${channel}\tmarketing\t${copyBool(granted)}\t${version}\timport\t${nowIso}`;
    consents += `${head}\n`;
    events += `${head}\tsystem\t${copyText(`import:${importId}`)}\n`;
  }
  return { consents, events, count };
}

export const CONSENT_COPY_COLUMNS =
  'tenant_id, member_id, channel, purpose, granted, text_version, source, updated_at';
export const CONSENT_EVENT_COPY_COLUMNS =
  'tenant_id, member_id, channel, purpose, granted, text_version, source, at, actor_type, actor_id';

export function copyValue(value: string | null): string {
  return copyText(value);
}

export const COPY_COLUMNS =
  'tenant_id, import_id, line, member_id, phone, email, first_name, last_name, birth_date, external_id, ' +
  'card_number, card_kind, tags, attributes, consent_email, consent_sms, consent_push, consent_version';

export type BatchRange = { id: string; prefix: string; first: number; count: number };

type CardClass = { kind: StagedRow['cardKind']; batchId: string | null };

function classifyCard(number: string, batches: readonly BatchRange[]): CardClass | string {
  if (number.length === EAN13_LENGTH && number.startsWith(VIRTUAL_CARD_PREFIX)) {
    // A virtual card of another Kopilka (an export being migrated): kept, and the tenant's
    // virtual counter is moved past it after the import.
    return isValidEan13(number) ? { kind: 'virtual', batchId: null } : 'cardNumber has a wrong check digit';
  }
  const candidates = batches.filter((b) => number.startsWith(b.prefix));
  if (candidates.length === 0) return { kind: 'external', batchId: null };
  for (const b of candidates) {
    const serial = findCardSerial(b.prefix, number);
    if (serial !== undefined && serial >= b.first && serial < b.first + b.count) {
      return { kind: 'plastic', batchId: b.id };
    }
  }
  return `cardNumber starts like this program's cards (prefix ${candidates[0]?.prefix}) but is not one of them`;
}

/** What a parse worker needs to stage rows exactly as the importing thread would. */
export type StagingSetup = {
  columns: (string | undefined)[];
  defaultRegion: string;
  attributeDefs: readonly AttributeDef[];
  today: Date;
  batches: readonly BatchRange[];
};

/** Validates one record like the API would and gives it a member id, or says why it cannot go in. */
export function createRowStager(setup: StagingSetup): (record: string[], line: number) => StagedRow | string {
  const { columns, batches } = setup;
  const vctx: ValidationContext = {
    defaultRegion: setup.defaultRegion,
    attributeDefs: setup.attributeDefs,
    today: setup.today,
    normalizePhone: createBulkPhoneNormalizer(setup.defaultRegion),
  };
  const nextMemberId = createBulkIdGenerator('mbr');
  return (record, line) => {
    const value: Record<string, string> = {};
    const attributes: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const v = record[i];
      if (c === undefined || v === undefined || v.trim() === '') return;
      if (c.startsWith('attr.')) attributes[c.slice(5)] = v.trim();
      else value[c] = v;
    });
    // Attribute cells are text: give typed attributes their type before validating.
    for (const def of vctx.attributeDefs) {
      const raw = attributes[def.key];
      if (typeof raw !== 'string') continue;
      if (def.type === 'number' || def.type === 'integer')
        attributes[def.key] = raw === '' ? raw : Number(raw);
      if (def.type === 'boolean') {
        const b = parseConsent(raw);
        attributes[def.key] = b === 'bad' || b === null ? raw : b;
      }
    }
    const input: MemberFieldsInput = {
      phone: value.phone,
      email: value.email,
      firstName: value.firstName,
      lastName: value.lastName,
      birthDate: value.birthDate,
      externalId: value.externalId,
      cardNumber: value.cardNumber,
      ...(value.tags !== undefined ? { tags: value.tags.split('|') } : {}),
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    };
    const { fields, problems } = validateMemberFields(input, vctx);
    const reasons = problems.map((p) => `${p.field} ${p.message}`);
    const consent = (name: 'consentEmail' | 'consentSms' | 'consentPush') => {
      const c = parseConsent(value[name]);
      if (c === 'bad') {
        reasons.push(`${name} must be 1/0, true/false, yes/no or empty`);
        return null;
      }
      return c;
    };
    const consentEmail = consent('consentEmail');
    const consentSms = consent('consentSms');
    const consentPush = consent('consentPush');
    if (problems.length === 0 && !hasIdentifier(fields)) {
      reasons.push('the row needs at least one of phone, email, externalId, cardNumber');
    }
    let card: CardClass = { kind: 'virtual', batchId: null };
    if (fields.cardNumber) {
      const c = classifyCard(fields.cardNumber, batches);
      if (typeof c === 'string') reasons.push(c);
      else card = c;
    }
    if (reasons.length > 0) return reasons.join('; ');
    const version = value.consentVersion?.trim();
    return {
      line,
      memberId: nextMemberId(),
      phone: fields.phone ?? null,
      email: fields.email ?? null,
      firstName: fields.firstName ?? null,
      lastName: fields.lastName ?? null,
      birthDate: fields.birthDate ?? null,
      externalId: fields.externalId ?? null,
      cardNumber: fields.cardNumber ?? null,
      cardKind: card.kind,
      batchId: card.batchId,
      tags: fields.tags?.length ? fields.tags : null,
      attributes: fields.attributes && Object.keys(fields.attributes).length > 0 ? fields.attributes : null,
      consentEmail,
      consentSms,
      consentPush,
      consentVersion: version ? version.slice(0, 64) : null,
    };
  };
}
