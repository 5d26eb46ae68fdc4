import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { addLocalDays, resolveWallTime } from '@kopilka/domain/time';
import { parse } from 'csv-parse';
import { type Db, type DbOrTrx, inTransaction, type Trx } from '../../platform/db';
import { newId } from '../../platform/ids';
import { recordAudit } from '../audit/audit.service';
import { accrueInBulk } from '../ledger/bulk-accrual.service';
import { getCurrentProgram } from '../program/program.service';
import { createBulkPhoneNormalizer, normalizeCardNumber, normalizeExternalId } from './identifiers';
import { findTenantRegion } from './members.service';

// `kopilka import balances FILE.csv`: points from another program, one lot per row. Each row is a
// proper ledger accrual (issued -> available, or pending until activatesAt) with the row's expiry,
// keyed by an operation of scope `balance.import`. The key is the member, the currency, a hash of
// the row's content and how many identical rows for that member came before it in the file — not
// the line number or the file — so a re-run of the same file (after a crash half-way, or with a
// few bad rows fixed, lines added or removed) credits exactly the rows not credited yet. Rows go
// in batches: member lookups, operation keys, lots, postings and history entries are a few
// set-based statements per batch, each batch one transaction.

export const BALANCE_IMPORT_SCOPE = 'balance.import';
export const BALANCE_CURRENCIES = ['points', 'status', 'stamps', 'cashback', 'stored_value'] as const;
const MAX_POINTS = 1_000_000_000;
const MAX_COMMENT = 500;

export type BalanceImportProblem = {
  line: number;
  outcome: 'invalid' | 'unknown_member' | 'already_imported';
  reason: string;
  memberId?: string;
};

export type BalanceImportReport = {
  importId: string;
  dryRun: boolean;
  rows: number;
  /** Rows credited by this run (would be credited, in a dry run). */
  credited: number;
  /** Points credited per currency. */
  points: Record<string, number>;
  alreadyImported: number;
  invalid: number;
  unknownMembers: number;
  ignoredColumns: string[];
  seconds: number;
};

export type BalanceImportProgress = { rows: number; credited: number; problems: number };

export type BalanceImportOptions = {
  db: Db;
  tenantId: string;
  input: Readable;
  now: Date;
  onProblem?: (problem: BalanceImportProblem) => void;
  onProgress?: (progress: BalanceImportProgress) => void;
  actor?: { actorType: 'system' | 'staff' | 'api_key'; actorId: string | null };
  /** Validate and look members up, credit nothing. */
  dryRun?: boolean;
  /** Rows per transaction (default 1,000). */
  batchSize?: number;
};

type Column =
  | 'memberId'
  | 'externalId'
  | 'phone'
  | 'cardNumber'
  | 'points'
  | 'expiresAt'
  | 'activatesAt'
  | 'currency'
  | 'comment';

const COLUMN_ALIASES: Record<string, Column> = {
  memberid: 'memberId',
  externalid: 'externalId',
  phone: 'phone',
  cardnumber: 'cardNumber',
  card: 'cardNumber',
  points: 'points',
  balance: 'points',
  expiresat: 'expiresAt',
  activatesat: 'activatesAt',
  currency: 'currency',
  comment: 'comment',
  reason: 'comment',
};
const REFERENCES = ['memberId', 'externalId', 'phone', 'cardNumber'] as const;
type Reference = (typeof REFERENCES)[number];

type When = { canonical: string; at: Date | null };

type ParsedRow = {
  line: number;
  refs: Partial<Record<Reference, string>>;
  currency: string;
  points: number;
  /** null: not given, the program's expiry rule applies. */
  expires: When | null;
  activates: When | null;
  comment: string;
};

type ReadyRow = ParsedRow & {
  memberId: string;
  key: string;
  requestHash: string;
  activatesAt: Date;
  expiresAt: Date | null;
};

type Zone = { timeZone: string; expiryDays: number | null; now: Date };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DOTTED_DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

function isCalendarDay(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A date or instant of a row. A bare date means a whole day in the program's time zone: points
 * become spendable at its start (`activatesAt`) and are usable through its end (`expiresAt`, so
 * they expire at the start of the next day). A time without an offset is the program's local time.
 */
export function parseImportInstant(raw: string, role: 'expires' | 'activates', zone: Zone): When | string {
  const text = raw.trim();
  const day = DATE.exec(text);
  const dotted = DOTTED_DATE.exec(text);
  if (day || dotted) {
    const [year, month, dayOfMonth] = day
      ? [Number(day[1]), Number(day[2]), Number(day[3])]
      : [Number(dotted![3]), Number(dotted![2]), Number(dotted![1])];
    if (!isCalendarDay(year, month, dayOfMonth)) return 'is not a real calendar date';
    const start = new Date(Date.UTC(year, month - 1, dayOfMonth + (role === 'expires' ? 1 : 0)));
    const at = resolveWallTime(
      {
        year: start.getUTCFullYear(),
        month: start.getUTCMonth() + 1,
        day: start.getUTCDate(),
        hour: 0,
        minute: 0,
        second: 0,
        millisecond: 0,
      },
      zone.timeZone,
    );
    return { canonical: `${year}-${pad(month)}-${pad(dayOfMonth)}`, at };
  }
  const local = LOCAL_TIME.exec(text);
  if (local) {
    const [year, month, dayOfMonth, hour, minute, second] = local.slice(1).map((v) => Number(v ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (!isCalendarDay(year, month, dayOfMonth) || hour > 23 || minute > 59 || second > 59) {
      return 'is not a real date and time';
    }
    const at = resolveWallTime(
      { year, month, day: dayOfMonth, hour, minute, second, millisecond: 0 },
      zone.timeZone,
    );
    return {
      canonical: `${year}-${pad(month)}-${pad(dayOfMonth)}T${pad(hour)}:${pad(minute)}:${pad(second)}`,
      at,
    };
  }
  if (ZONED_TIME.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    if (Number.isNaN(ms)) return 'is not a real date and time';
    const at = new Date(ms);
    return { canonical: at.toISOString(), at };
  }
  return 'must be a date (2027-03-31 or 31.03.2027) or a date and time (2027-03-31T23:59:59+03:00)';
}

function canonicalColumn(header: string): Column | undefined {
  return COLUMN_ALIASES[
    header
      .trim()
      .replace(/[\s_-]/g, '')
      .toLowerCase()
  ];
}

function parseRow(
  record: string[],
  line: number,
  columns: (Column | undefined)[],
  zone: Zone,
  normalizePhone: (raw: string) => string | undefined,
): ParsedRow | string {
  const value: Partial<Record<Column, string>> = {};
  columns.forEach((c, i) => {
    const v = record[i]?.trim();
    if (c !== undefined && v) value[c] = v;
  });
  const reasons: string[] = [];
  const refs: ParsedRow['refs'] = {};
  if (value.memberId !== undefined) {
    if (/^[A-Za-z0-9._:-]{1,128}$/.test(value.memberId)) refs.memberId = value.memberId;
    else reasons.push(`memberId '${value.memberId}' is not a member id`);
  }
  if (value.externalId !== undefined) {
    const id = normalizeExternalId(value.externalId);
    if (id) refs.externalId = id;
    else reasons.push('externalId is not a valid external id');
  }
  if (value.phone !== undefined) {
    const phone = normalizePhone(value.phone);
    if (phone) refs.phone = phone;
    else reasons.push(`phone '${value.phone}' is not a valid phone number`);
  }
  if (value.cardNumber !== undefined) {
    const card = normalizeCardNumber(value.cardNumber);
    if (card) refs.cardNumber = card;
    else reasons.push(`cardNumber '${value.cardNumber}' is not a card number`);
  }
  if (reasons.length === 0 && Object.keys(refs).length === 0) {
    reasons.push('the row names no member: give memberId, externalId, phone or cardNumber');
  }

  let points = 0;
  const rawPoints = value.points ?? '';
  if (rawPoints === '') reasons.push('points is empty');
  else if (!/^\+?\d+$/.test(rawPoints)) {
    reasons.push(
      /^-\s*\d/.test(rawPoints)
        ? `points must not be negative (got '${rawPoints}')`
        : `points must be a whole number (got '${rawPoints}')`,
    );
  } else {
    points = Number(rawPoints);
    if (points === 0) reasons.push('points is 0: there is nothing to credit');
    else if (points > MAX_POINTS)
      reasons.push(`points must be at most ${MAX_POINTS.toLocaleString('en-US')}`);
  }

  const currency = (value.currency ?? 'points').toLowerCase();
  if (!(BALANCE_CURRENCIES as readonly string[]).includes(currency)) {
    reasons.push(`currency must be one of ${BALANCE_CURRENCIES.join(', ')} (got '${value.currency}')`);
  }

  const comment = value.comment ?? '';
  if (comment.length > MAX_COMMENT) reasons.push(`comment is longer than ${MAX_COMMENT} characters`);

  const when = (column: 'expiresAt' | 'activatesAt', role: 'expires' | 'activates'): When | null => {
    const raw = value[column];
    if (raw === undefined) return null;
    if (role === 'expires' && /^(never|никогда)$/i.test(raw)) return { canonical: 'never', at: null };
    const parsed = parseImportInstant(raw, role, zone);
    if (typeof parsed === 'string') {
      reasons.push(`${column} '${raw}' ${parsed}`);
      return null;
    }
    return parsed;
  };
  const expires = when('expiresAt', 'expires');
  const activates = when('activatesAt', 'activates');
  if (expires?.at && expires.at.getTime() <= zone.now.getTime()) {
    reasons.push(`expiresAt '${value.expiresAt}' has passed: the points would expire at once`);
  } else if (expires?.at && activates?.at && activates.at.getTime() >= expires.at.getTime()) {
    reasons.push('activatesAt must come before expiresAt');
  }

  if (reasons.length > 0) return reasons.join('; ');
  return { line, refs, currency, points, expires, activates, comment };
}

/** When the row's points become spendable and expire (the program's rule when no expiry is given). */
function lotDates(row: ParsedRow, zone: Zone): { activatesAt: Date; expiresAt: Date | null } {
  const activatesAt = row.activates?.at ?? zone.now;
  if (row.expires) return { activatesAt, expiresAt: row.expires.at };
  const from = activatesAt.getTime() > zone.now.getTime() ? activatesAt : zone.now;
  return {
    activatesAt,
    expiresAt: zone.expiryDays === null ? null : addLocalDays(from, zone.expiryDays, zone.timeZone),
  };
}

type MemberMatch = { memberId: string; status: string } | { problem: string };

/** Looks up every reference of a batch with at most one query per kind of reference. */
async function resolveReferences(
  db: Db,
  tenantId: string,
  rows: readonly ParsedRow[],
): Promise<Map<string, MemberMatch>> {
  const found = new Map<string, MemberMatch>();
  const wanted = (ref: Reference) => [...new Set(rows.flatMap((r) => (r.refs[ref] ? [r.refs[ref]!] : [])))];
  const byColumn = async (
    ref: 'memberId' | 'externalId' | 'phone',
    column: 'id' | 'external_id' | 'phone',
  ) => {
    const values = wanted(ref);
    if (values.length === 0) return;
    const members = await db
      .selectFrom('member')
      .select(['id', 'status', 'external_id', 'phone'])
      .where('tenant_id', '=', tenantId)
      .where(column, 'in', values)
      .execute();
    for (const m of members) {
      const v = column === 'id' ? m.id : column === 'external_id' ? m.external_id : m.phone;
      if (v !== null) found.set(`${ref}:${v}`, { memberId: m.id, status: m.status });
    }
  };
  await byColumn('memberId', 'id');
  await byColumn('externalId', 'external_id');
  await byColumn('phone', 'phone');
  const cards = wanted('cardNumber');
  if (cards.length > 0) {
    const rowsFound = await db
      .selectFrom('member_card as c')
      .leftJoin('member as m', 'm.id', 'c.member_id')
      .select(['c.number', 'c.status as card_status', 'c.member_id', 'm.status'])
      .where('c.tenant_id', '=', tenantId)
      .where('c.number', 'in', cards)
      .execute();
    for (const c of rowsFound) {
      found.set(
        `cardNumber:${c.number}`,
        c.card_status === 'active' && c.member_id && c.status
          ? { memberId: c.member_id, status: c.status }
          : { problem: `card ${c.number} is ${c.member_id ? c.card_status : 'not bound to a member'}` },
      );
    }
  }
  return found;
}

const REF_LABEL: Record<Reference, string> = {
  memberId: 'memberId',
  externalId: 'externalId',
  phone: 'phone',
  cardNumber: 'cardNumber',
};

function matchMember(
  row: ParsedRow,
  found: Map<string, MemberMatch>,
): { memberId: string } | { outcome: 'invalid' | 'unknown_member'; reason: string } {
  const ids = new Set<string>();
  for (const ref of REFERENCES) {
    const v = row.refs[ref];
    if (v === undefined) continue;
    const m = found.get(`${ref}:${v}`);
    if (m === undefined) {
      return { outcome: 'unknown_member', reason: `no member of this program has ${REF_LABEL[ref]} '${v}'` };
    }
    if ('problem' in m) return { outcome: 'unknown_member', reason: m.problem };
    if (m.status === 'anonymized') {
      return { outcome: 'invalid', reason: `member ${m.memberId} is anonymized (erased)` };
    }
    if (m.status === 'merged') {
      return {
        outcome: 'invalid',
        reason: `member ${m.memberId} was merged into another member; credit the surviving member`,
      };
    }
    ids.add(m.memberId);
  }
  if (ids.size > 1) {
    return {
      outcome: 'invalid',
      reason: `the row's identifiers belong to different members (${[...ids].join(', ')})`,
    };
  }
  return { memberId: [...ids][0]! };
}

export async function importBalances(opts: BalanceImportOptions): Promise<BalanceImportReport> {
  const started = Date.now();
  const { db, tenantId, now } = opts;
  const dryRun = opts.dryRun ?? false;
  const batchSize = opts.batchSize ?? 1000;
  const importId = newId('imp');
  const report: BalanceImportReport = {
    importId,
    dryRun,
    rows: 0,
    credited: 0,
    points: {},
    alreadyImported: 0,
    invalid: 0,
    unknownMembers: 0,
    ignoredColumns: [],
    seconds: 0,
  };
  const problem = (p: BalanceImportProblem) => {
    if (p.outcome === 'invalid') report.invalid++;
    else if (p.outcome === 'unknown_member') report.unknownMembers++;
    else report.alreadyImported++;
    opts.onProblem?.(p);
  };
  const { program } = await getCurrentProgram(db, tenantId);
  const zone: Zone = { timeZone: program.timezone, expiryDays: program.earn.expiryDays, now };
  const normalizePhone = createBulkPhoneNormalizer(await findTenantRegion(db, tenantId));
  // How many rows with the same member and content came before: the n-th identical row is a
  // different credit than the first, and stays the n-th on every re-run.
  const seen = new Map<string, number>();

  const processBatch = async (batch: ParsedRow[]) => {
    const found = await resolveReferences(db, tenantId, batch);
    const ready: ReadyRow[] = [];
    for (const row of batch) {
      const match = matchMember(row, found);
      if (!('memberId' in match)) {
        problem({ line: row.line, outcome: match.outcome, reason: match.reason });
        continue;
      }
      const content = JSON.stringify([
        row.currency,
        row.points,
        row.expires?.canonical ?? '',
        row.activates?.canonical ?? '',
        row.comment,
      ]);
      const hash = createHash('sha256').update(content).digest('base64url').slice(0, 22);
      const base = `${match.memberId}:${row.currency}:${hash}`;
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      ready.push({
        ...row,
        ...lotDates(row, zone),
        memberId: match.memberId,
        key: `${base}:${occurrence}`,
        requestHash: hash,
      });
    }
    if (ready.length === 0) return;
    const outcome = dryRun
      ? await findImported(db, tenantId, ready)
      : await inTransaction(db, (trx) => creditBatch(trx, tenantId, importId, ready, now));
    for (const row of ready) {
      const earlier = outcome.get(row.key);
      if (earlier) {
        problem({
          line: row.line,
          outcome: 'already_imported',
          reason: `already credited by an earlier import (${earlier})`,
          memberId: row.memberId,
        });
      } else {
        report.credited++;
        report.points[row.currency] = (report.points[row.currency] ?? 0) + row.points;
      }
    }
  };

  let columns: (Column | undefined)[] = [];
  let header = true;
  let nextLine = 1;
  let batch: ParsedRow[] = [];
  const parser = opts.input.pipe(parse({ bom: true, delimiter: [',', ';'], relax_column_count: true }));
  // pipe() does not pass a read error on: without this the loop below would wait forever.
  opts.input.once('error', (err) => parser.destroy(err));
  for await (const record of parser as AsyncIterable<string[]>) {
    const line = nextLine;
    nextLine += 1;
    for (const cell of record) if (cell.includes('\n')) nextLine += cell.split('\n').length - 1;
    if (record.length === 1 && record[0]?.trim() === '') continue;
    if (header) {
      header = false;
      columns = record.map((h) => {
        const c = canonicalColumn(h);
        if (!c) report.ignoredColumns.push(h);
        return c;
      });
      if (!columns.includes('points') || !columns.some((c) => REFERENCES.includes(c as Reference))) {
        throw new Error(
          'The first line must name the columns: points and at least one of memberId, externalId, phone, cardNumber.',
        );
      }
      continue;
    }
    report.rows++;
    const row = parseRow(record, line, columns, zone, normalizePhone);
    if (typeof row === 'string') problem({ line, outcome: 'invalid', reason: row });
    else batch.push(row);
    if (batch.length >= batchSize) {
      await processBatch(batch);
      batch = [];
      opts.onProgress?.({ rows: report.rows, credited: report.credited, problems: countProblems(report) });
    }
  }
  if (header) throw new Error('The file is empty: the first line must name the columns.');
  await processBatch(batch);
  opts.onProgress?.({ rows: report.rows, credited: report.credited, problems: countProblems(report) });

  if (!dryRun) {
    await recordAudit(db, {
      tenantId,
      actor: opts.actor ?? { actorType: 'system', actorId: 'cli' },
      action: 'balances.imported',
      targetType: 'import',
      targetId: importId,
      details: {
        rows: report.rows,
        credited: report.credited,
        points: report.points,
        alreadyImported: report.alreadyImported,
        invalid: report.invalid,
        unknownMembers: report.unknownMembers,
      },
    });
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

function countProblems(r: BalanceImportReport): number {
  return r.invalid + r.unknownMembers + r.alreadyImported;
}

function describeEarlier(body: unknown): string {
  const b = (body ?? {}) as { importId?: unknown; line?: unknown };
  return typeof b.importId === 'string' ? `${b.importId}, line ${String(b.line)}` : 'an earlier import';
}

/** The rows' keys that an earlier import already credited, with where. */
async function findImported(
  db: DbOrTrx,
  tenantId: string,
  rows: readonly ReadyRow[],
): Promise<Map<string, string>> {
  const existing = await db
    .selectFrom('operation')
    .select(['key', 'response_body'])
    .where('tenant_id', '=', tenantId)
    .where('scope', '=', BALANCE_IMPORT_SCOPE)
    .where(
      'key',
      'in',
      rows.map((r) => r.key),
    )
    .execute();
  return new Map(existing.map((e) => [e.key, describeEarlier(e.response_body)]));
}

/**
 * One batch, one transaction: claim an operation per row (ON CONFLICT DO NOTHING — a key that
 * exists was credited before, or by an import running at the same time, which PostgreSQL makes us
 * wait for), then credit the claimed rows. Returns the keys that were already taken.
 */
async function creditBatch(
  trx: Trx,
  tenantId: string,
  importId: string,
  rows: readonly ReadyRow[],
  now: Date,
): Promise<Map<string, string>> {
  const operationIds = new Map(rows.map((r) => [r.key, newId('op')]));
  const claimed = new Set<string>();
  for (let i = 0; i < rows.length; i += 2000) {
    const inserted = await trx
      .insertInto('operation')
      .values(
        rows.slice(i, i + 2000).map((r) => ({
          id: operationIds.get(r.key)!,
          tenant_id: tenantId,
          scope: BALANCE_IMPORT_SCOPE,
          key: r.key,
          request_hash: r.requestHash,
          response_status: 201,
          response_body: JSON.stringify({
            importId,
            line: r.line,
            memberId: r.memberId,
            currency: r.currency,
            points: r.points,
          }),
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'scope', 'key']).doNothing())
      .returning('key')
      .execute();
    for (const r of inserted) claimed.add(r.key);
  }
  const fresh = rows.filter((r) => claimed.has(r.key));
  await accrueInBulk(
    trx,
    tenantId,
    fresh.map((r) => ({
      operationId: operationIds.get(r.key)!,
      memberId: r.memberId,
      currency: r.currency,
      points: r.points,
      activatesAt: r.activatesAt,
      expiresAt: r.expiresAt,
      reason: r.comment || 'Balance import',
    })),
    { now, entryKind: 'import' },
  );
  if (fresh.length === rows.length) return new Map();
  return findImported(
    trx,
    tenantId,
    rows.filter((r) => !claimed.has(r.key)),
  );
}
