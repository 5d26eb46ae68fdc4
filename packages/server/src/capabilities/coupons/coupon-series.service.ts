import { checkPatternCapacity, parseCouponPattern } from '@kopilka/domain/campaigns';
import { normalizeCouponCode } from '@kopilka/domain/receipts';
import { sql } from 'kysely';
import type { Db, DbOrTrx, Trx } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Principal } from '../../platform/principal';
import { decodeCursor, encodeCursor } from '../../platform/schemas';
import { actorOf, recordAudit } from '../audit/audit.service';
import { createCodeSource } from './coupons.service';
import type { CouponRow, CouponSeriesKind, CouponSeriesRow } from './coupons.table';

export const MAX_SERIES_CODES = 1_000_000;
/** Series up to this size are generated before POST answers; larger ones in the background. */
export const SYNC_GENERATION_LIMIT = 20_000;
/**
 * Codes per transaction: sized to take about BATCH_TARGET_MS, within these bounds. On the embedded
 * engine every other request waits for the batch in progress, so batches stay short there.
 */
const BATCH_MIN = 500;
const BATCH_MAX = 10_000;
const BATCH_TARGET_MS = 100;
const LEASE_MS = 60_000;
const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,63}$/;

export type SeriesInput = {
  name: string;
  kind: CouponSeriesKind;
  pattern?: string | undefined;
  count?: number | undefined;
  code?: string | undefined;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
  usesPerCode?: number | null | undefined;
  usesPerMember?: number | null | undefined;
  validDays?: number | null | undefined;
};

export function seriesView(row: CouponSeriesRow, extra: { code?: string | null; redeemed?: number } = {}) {
  return {
    seriesId: row.id,
    name: row.name,
    kind: row.kind,
    pattern: row.pattern,
    code: extra.code ?? null,
    requestedCount: row.requested_count,
    generatedCount: row.generated_count,
    status: row.status,
    progress:
      row.kind === 'unique' && row.requested_count > 0
        ? Math.min(1, row.generated_count / row.requested_count)
        : 1,
    startsAt: row.starts_at?.toISOString() ?? null,
    endsAt: row.ends_at?.toISOString() ?? null,
    usesPerCode: row.uses_per_code,
    usesPerMember: row.uses_per_member,
    validDays: row.valid_days,
    redeemed: extra.redeemed ?? 0,
    error: row.error,
    createdAt: row.created_at.toISOString(),
  };
}
export type SeriesView = ReturnType<typeof seriesView>;

function validateSeries(input: SeriesInput): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const fail = (field: string, message: string) => problems.push({ field: `body.${field}`, message });
  if (input.kind === 'unique') {
    const pattern = parseCouponPattern(input.pattern ?? '');
    if (!pattern.ok) fail('pattern', `${pattern.message} (for example "CAFE-XXXX-XXXX")`);
    if (input.count === undefined || input.count < 1 || input.count > MAX_SERIES_CODES)
      fail('count', `must be 1 to ${MAX_SERIES_CODES} for a series of unique codes`);
    else if (pattern.ok) {
      const tooSmall = checkPatternCapacity(pattern.value, input.count);
      if (tooSmall) fail('pattern', tooSmall);
    }
    if (input.code !== undefined)
      fail('code', 'is for shared series; unique series generate their codes from pattern');
  } else if (input.kind === 'shared') {
    if (input.code === undefined || !CODE_PATTERN.test(normalizeCouponCode(input.code))) {
      fail('code', 'a shared series needs its promo code: letters, digits, "-" or "_", up to 64 characters');
    }
    if (input.count !== undefined) fail('count', 'a shared series has exactly one code');
  } else {
    const pattern = parseCouponPattern(input.pattern ?? 'XXXX-XXXX-XXXX');
    if (!pattern.ok) fail('pattern', pattern.message);
    else if (pattern.value.capacity < 1_000_000_000n)
      fail(
        'pattern',
        'a personal series needs a pattern with at least 1,000,000,000 possible codes (about 7 X)',
      );
    if (input.count !== undefined)
      fail(
        'count',
        'personal coupons are issued one by one (POST /v1/coupon-series/{seriesId}/coupons, or an issue_coupon campaign)',
      );
  }
  const startsAt = input.startsAt ? Date.parse(input.startsAt) : null;
  const endsAt = input.endsAt ? Date.parse(input.endsAt) : null;
  if (startsAt !== null && endsAt !== null && startsAt >= endsAt)
    fail('endsAt', 'must be later than startsAt');
  if (input.validDays != null && input.kind !== 'personal')
    fail('validDays', 'applies to personal coupons (valid for N days from issue)');
  return problems;
}

export async function createSeries(
  trx: Trx,
  principal: Principal,
  input: SeriesInput,
  ctx: { now: Date; requestId?: string },
): Promise<CouponSeriesRow> {
  const problems = validateSeries(input);
  if (problems.length > 0) {
    throw new AppError(
      'validation_failed',
      `The coupon series is invalid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
      problems,
    );
  }
  const tenantId = principal.tenantId;
  const id = newId('cps');
  const count = input.kind === 'unique' ? (input.count ?? 0) : input.kind === 'shared' ? 1 : 0;
  const row = await trx
    .insertInto('coupon_series')
    .values({
      tenant_id: tenantId,
      id,
      name: input.name,
      kind: input.kind,
      pattern: input.kind === 'shared' ? null : (input.pattern ?? 'XXXX-XXXX-XXXX'),
      requested_count: count,
      generated_count: 0,
      status: input.kind === 'unique' ? 'generating' : 'ready',
      starts_at: input.startsAt ? new Date(input.startsAt) : null,
      ends_at: input.endsAt ? new Date(input.endsAt) : null,
      uses_per_code:
        input.usesPerCode === undefined ? (input.kind === 'shared' ? null : 1) : input.usesPerCode,
      uses_per_member: input.usesPerMember ?? null,
      valid_days: input.validDays ?? null,
      lease_until: null,
      error: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  let result = row;
  if (input.kind === 'shared') {
    const code = normalizeCouponCode(input.code ?? '');
    const inserted = await trx
      .insertInto('coupon')
      .values({
        tenant_id: tenantId,
        code,
        series_id: id,
        member_id: null,
        max_uses: row.uses_per_code,
        starts_at: null,
        ends_at: null,
        issued_receipt_id: null,
        created_at: ctx.now,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'code']).doNothing())
      .returning('code')
      .executeTakeFirst();
    if (!inserted)
      throw new AppError(
        'conflict',
        `The code ${code} is already in use by another coupon; choose another.`,
        { code },
      );
    result = await trx
      .updateTable('coupon_series')
      .set({ generated_count: 1 })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: 'coupon_series.created',
    targetType: 'coupon_series',
    targetId: id,
    details: { ...input },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
  return result;
}

/**
 * Generates the missing codes of a unique series in batches: each batch draws codes from the
 * CSPRNG, inserts them with ON CONFLICT DO NOTHING (a collision, with another series too, just
 * yields fewer rows) and counts what went in, in one short transaction; the next batch asks for
 * the rest, so collisions are retried until the series is full. A lease keeps two workers off
 * the same series; a crashed worker's lease runs out and the job picks the series up again.
 */
export async function generateSeriesCodes(
  db: Db,
  tenantId: string,
  seriesId: string,
  opts: { now?: () => Date; onProgress?: (generated: number, requested: number) => void } = {},
): Promise<CouponSeriesRow | null> {
  const now = opts.now ?? (() => new Date());
  const claimed = await db
    .updateTable('coupon_series')
    .set({ lease_until: new Date(now().getTime() + LEASE_MS) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', seriesId)
    .where('status', '=', 'generating')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now())]))
    .returningAll()
    .executeTakeFirst();
  if (!claimed) return null;
  const next = createCodeSource(claimed.pattern ?? '');
  let generated = claimed.generated_count;
  let emptyRounds = 0;
  let batch = 2_000;
  try {
    while (generated < claimed.requested_count) {
      const want = Math.min(batch, claimed.requested_count - generated);
      const started = performance.now();
      const codes = new Set<string>();
      while (codes.size < want) codes.add(next());
      const inserted = await db.transaction().execute(async (trx) => {
        const rows = await sql<{ code: string }>`
          insert into coupon (tenant_id, code, series_id, max_uses, starts_at, ends_at)
          select ${tenantId}, code, ${seriesId}, ${claimed.uses_per_code}::int, null::timestamptz, null::timestamptz
          from unnest(${[...codes]}::text[]) as code
          on conflict (tenant_id, code) do nothing
          returning code`.execute(trx);
        await trx
          .updateTable('coupon_series')
          .set((eb) => ({
            generated_count: eb('generated_count', '+', rows.rows.length),
            lease_until: new Date(now().getTime() + LEASE_MS),
            updated_at: now(),
          }))
          .where('tenant_id', '=', tenantId)
          .where('id', '=', seriesId)
          .execute();
        return rows.rows.length;
      });
      generated += inserted;
      const tookMs = Math.max(1, performance.now() - started);
      batch = Math.round(Math.min(BATCH_MAX, Math.max(BATCH_MIN, (want * BATCH_TARGET_MS) / tookMs)));
      // A pattern this full would loop for ever; capacity checks make this practically unreachable.
      emptyRounds = inserted === 0 ? emptyRounds + 1 : 0;
      if (emptyRounds >= 5) throw new Error('The pattern has run out of free codes.');
      opts.onProgress?.(generated, claimed.requested_count);
    }
    return await db
      .updateTable('coupon_series')
      .set({ status: 'ready', lease_until: null, updated_at: now() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', seriesId)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    await db
      .updateTable('coupon_series')
      .set({
        status: 'failed',
        lease_until: null,
        error: String(error instanceof Error ? error.message : error),
        updated_at: now(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', seriesId)
      .execute();
    throw error;
  }
}

/** Scheduled: finish series whose generation was interrupted (process restarted, lease expired). */
export async function resumeSeriesGeneration(db: Db, at: Date): Promise<number> {
  const pending = await db
    .selectFrom('coupon_series')
    .select(['tenant_id', 'id'])
    .where('status', '=', 'generating')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at)]))
    .limit(10)
    .execute();
  let processed = 0;
  for (const s of pending) {
    const done = await generateSeriesCodes(db, s.tenant_id, s.id).catch(() => null);
    if (done) processed += 1;
  }
  return processed;
}

export async function getSeriesOrThrow(
  db: DbOrTrx,
  tenantId: string,
  seriesId: string,
): Promise<CouponSeriesRow> {
  const row = await db
    .selectFrom('coupon_series')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', seriesId)
    .executeTakeFirst();
  if (!row) throw notFound('Coupon series', seriesId);
  return row;
}

export async function getSeriesView(db: DbOrTrx, tenantId: string, seriesId: string): Promise<SeriesView> {
  const row = await getSeriesOrThrow(db, tenantId, seriesId);
  const redeemed = await db
    .selectFrom('coupon_redemption')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tenant_id', '=', tenantId)
    .where('series_id', '=', seriesId)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  const shared =
    row.kind === 'shared'
      ? await db
          .selectFrom('coupon')
          .select('code')
          .where('tenant_id', '=', tenantId)
          .where('series_id', '=', seriesId)
          .executeTakeFirst()
      : undefined;
  return seriesView(row, { code: shared?.code ?? null, redeemed: redeemed?.n ?? 0 });
}

const isCursor = (v: unknown): v is [string] =>
  Array.isArray(v) && v.length === 1 && typeof v[0] === 'string';

export async function listSeries(
  db: DbOrTrx,
  tenantId: string,
  q: { limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, isCursor);
  let query = db.selectFrom('coupon_series').selectAll().where('tenant_id', '=', tenantId);
  if (after) query = query.where('id', '<', after[0]);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => seriesView(r)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.id]) : null,
  };
}

/** Codes of a series in code order, a page at a time (keyset on the code). */
export async function listSeriesCodes(
  db: DbOrTrx,
  tenantId: string,
  seriesId: string,
  opts: { after?: string | undefined; limit: number },
): Promise<CouponRow[]> {
  let query = db
    .selectFrom('coupon')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('series_id', '=', seriesId);
  if (opts.after !== undefined) query = query.where('code', '>', opts.after);
  return query.orderBy('code').limit(opts.limit).execute();
}

export function decodeCodesCursor(cursor: string | undefined): string | undefined {
  return decodeCursor(cursor, isCursor)?.[0];
}

export function encodeCodesCursor(code: string): string {
  return encodeCursor([code]);
}

/** The whole series as CSV, streamed in pages so a million codes never sit in memory at once. */
export async function* streamSeriesCsv(
  db: DbOrTrx,
  tenantId: string,
  seriesId: string,
): AsyncGenerator<string> {
  yield 'code,status,uses,maxUses,memberId,startsAt,endsAt\n';
  let after: string | undefined;
  for (;;) {
    const rows = await listSeriesCodes(db, tenantId, seriesId, { after, limit: 5000 });
    if (rows.length === 0) return;
    yield rows
      .map(
        (r) =>
          [
            r.code,
            r.status,
            r.uses,
            r.max_uses ?? '',
            r.member_id ?? '',
            r.starts_at?.toISOString() ?? '',
            r.ends_at?.toISOString() ?? '',
          ].join(',') + '\n',
      )
      .join('');
    after = rows[rows.length - 1]?.code;
  }
}
