import { randomBytes } from 'node:crypto';
import { generateCouponCode, parseCouponPattern } from '@kopilka/domain/campaigns';
import { normalizeCouponCode } from '@kopilka/domain/receipts';
import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../../platform/db';
import type { CouponRow, CouponSeriesRow } from './coupons.table';

// Coupon codes as receipts use them: checked when a receipt is priced, consumed inside the
// confirm transaction with conditional updates (a code with one use left cannot be used twice by
// two tills), given back on cancel or full refund.

export type CouponCheck =
  | { ok: true; code: string; seriesId: string }
  | { ok: false; code: string; reason: CouponRejection; message: string };

export type CouponRejection =
  | 'unknown'
  | 'void'
  | 'not_yet_valid'
  | 'expired'
  | 'used_up'
  | 'member_required'
  | 'other_member'
  | 'member_limit_reached';

const MESSAGES: Record<CouponRejection, string> = {
  unknown: 'No coupon has this code.',
  void: 'This coupon was withdrawn.',
  not_yet_valid: 'This coupon is not valid yet.',
  expired: 'This coupon has expired.',
  used_up: 'This coupon has been used as many times as it may be.',
  member_required: 'This coupon is personal or limited per member: identify the member on the receipt.',
  other_member: 'This coupon belongs to another member.',
  member_limit_reached: 'The member has already used this coupon series as many times as allowed.',
};

export type CouponWithSeries = { coupon: CouponRow; series: CouponSeriesRow };

export async function findCouponsByCode(
  db: DbOrTrx,
  tenantId: string,
  codes: readonly string[],
): Promise<Map<string, CouponWithSeries>> {
  const normalized = [...new Set(codes.map(normalizeCouponCode))].filter((code) => code.length > 0);
  const found = new Map<string, CouponWithSeries>();
  if (normalized.length === 0) return found;
  const coupons = await db
    .selectFrom('coupon')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('code', 'in', normalized)
    .execute();
  if (coupons.length === 0) return found;
  const seriesIds = [...new Set(coupons.map((c) => c.series_id))];
  const series = await db
    .selectFrom('coupon_series')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', seriesIds)
    .execute();
  const seriesById = new Map(series.map((s) => [s.id, s]));
  for (const coupon of coupons) {
    const s = seriesById.get(coupon.series_id);
    if (s) found.set(coupon.code, { coupon, series: s });
  }
  return found;
}

/** The window a code is valid in: its own, else its series'. */
function windowOf({ coupon, series }: CouponWithSeries): { startsAt: Date | null; endsAt: Date | null } {
  return { startsAt: coupon.starts_at ?? series.starts_at, endsAt: coupon.ends_at ?? series.ends_at };
}

/** Whether a code may be used on a receipt of `memberId` that occurred at `at` (reads only). */
export function checkCoupon(
  found: CouponWithSeries,
  memberId: string | null,
  at: Date,
  memberUses: number,
): CouponCheck {
  const { coupon, series } = found;
  const reject = (reason: CouponRejection): CouponCheck => ({
    ok: false,
    code: coupon.code,
    reason,
    message: MESSAGES[reason],
  });
  if (coupon.status !== 'active' || series.status === 'failed') return reject('void');
  const { startsAt, endsAt } = windowOf(found);
  if (startsAt && startsAt.getTime() > at.getTime()) return reject('not_yet_valid');
  if (endsAt && endsAt.getTime() <= at.getTime()) return reject('expired');
  if (coupon.max_uses !== null && coupon.uses >= coupon.max_uses) return reject('used_up');
  if (coupon.member_id !== null) {
    if (memberId === null) return reject('member_required');
    if (coupon.member_id !== memberId) return reject('other_member');
  }
  if (series.uses_per_member !== null) {
    if (memberId === null) return reject('member_required');
    if (memberUses >= series.uses_per_member) return reject('member_limit_reached');
  }
  return { ok: true, code: coupon.code, seriesId: series.id };
}

async function memberUsesBySeries(
  db: DbOrTrx,
  tenantId: string,
  memberId: string | null,
  seriesIds: readonly string[],
): Promise<Map<string, number>> {
  if (memberId === null || seriesIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('coupon_member_use')
    .select(['series_id', 'uses'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('series_id', 'in', [...seriesIds])
    .execute();
  return new Map(rows.map((r) => [r.series_id, r.uses]));
}

/**
 * Checks the receipt's codes that are managed coupons. Codes without a coupon row are plain
 * promo texts (contract v1 `conditions.coupon`) and are not in the result.
 */
export async function checkReceiptCoupons(
  db: DbOrTrx,
  tenantId: string,
  codes: readonly string[],
  memberId: string | null,
  at: Date,
): Promise<Map<string, CouponCheck>> {
  const found = await findCouponsByCode(db, tenantId, codes);
  const uses = await memberUsesBySeries(db, tenantId, memberId, [
    ...new Set([...found.values()].map((f) => f.series.id)),
  ]);
  const checks = new Map<string, CouponCheck>();
  for (const [code, f] of found) checks.set(code, checkCoupon(f, memberId, at, uses.get(f.series.id) ?? 0));
  return checks;
}

/**
 * Inside the confirm transaction: one use of each managed code, atomically (conditional updates
 * in code order, so two receipts carrying the same codes lock them in the same order). Returns the
 * codes that could not be used; the caller rolls back to its savepoint then.
 */
export async function consumeCoupons(
  trx: Trx,
  input: {
    tenantId: string;
    codes: readonly string[];
    memberId: string | null;
    receiptId: string;
    at: Date;
    now: Date;
  },
): Promise<{ ok: true } | { ok: false; failedCodes: string[] }> {
  const codes = [...new Set(input.codes.map(normalizeCouponCode))].sort();
  if (codes.length === 0) return { ok: true };
  const existing = await trx
    .selectFrom('coupon')
    .select(['code'])
    .where('tenant_id', '=', input.tenantId)
    .where('code', 'in', codes)
    .execute();
  const managed = new Set(existing.map((r) => r.code));
  const failedCodes: string[] = [];
  for (const code of codes) {
    if (!managed.has(code)) continue;
    const used = await sql<{ series_id: string; uses_per_member: number | null }>`
      update coupon as c set uses = c.uses + 1
      from coupon_series as s
      where c.tenant_id = ${input.tenantId} and c.code = ${code}
        and s.tenant_id = c.tenant_id and s.id = c.series_id and s.status <> 'failed'
        and c.status = 'active'
        and (c.max_uses is null or c.uses < c.max_uses)
        and (c.member_id is null or c.member_id = ${input.memberId})
        and coalesce(c.starts_at, s.starts_at, '-infinity'::timestamptz) <= ${input.at}
        and coalesce(c.ends_at, s.ends_at, 'infinity'::timestamptz) > ${input.at}
      returning c.series_id, s.uses_per_member`.execute(trx);
    const row = used.rows[0];
    if (!row) {
      failedCodes.push(code);
      continue;
    }
    if (row.uses_per_member !== null) {
      if (input.memberId === null) {
        failedCodes.push(code);
        continue;
      }
      const counted = await sql`
        insert into coupon_member_use as u (tenant_id, series_id, member_id, uses)
        values (${input.tenantId}, ${row.series_id}, ${input.memberId}, 1)
        on conflict (tenant_id, series_id, member_id) do update set uses = u.uses + 1
        where u.uses + 1 <= ${row.uses_per_member}
        returning u.uses`.execute(trx);
      if (counted.rows.length === 0) {
        failedCodes.push(code);
        continue;
      }
    }
    await trx
      .insertInto('coupon_redemption')
      .values({
        tenant_id: input.tenantId,
        receipt_id: input.receiptId,
        code,
        series_id: row.series_id,
        member_id: input.memberId,
        created_at: input.now,
        released_at: null,
      })
      .execute();
  }
  return failedCodes.length > 0 ? { ok: false, failedCodes } : { ok: true };
}

/** Inside the cancel / full-refund transaction: the receipt's coupon uses come back, once. */
export async function releaseCoupons(
  trx: Trx,
  input: { tenantId: string; receiptId: string; now: Date },
): Promise<number> {
  const redemptions = await trx
    .updateTable('coupon_redemption')
    .set({ released_at: input.now })
    .where('tenant_id', '=', input.tenantId)
    .where('receipt_id', '=', input.receiptId)
    .where('released_at', 'is', null)
    .returning(['code', 'series_id', 'member_id'])
    .execute();
  for (const r of [...redemptions].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    await sql`update coupon set uses = greatest(uses - 1, 0) where tenant_id = ${input.tenantId} and code = ${r.code}`.execute(
      trx,
    );
    if (r.member_id !== null) {
      await sql`update coupon_member_use set uses = greatest(uses - 1, 0)
        where tenant_id = ${input.tenantId} and series_id = ${r.series_id} and member_id = ${r.member_id}`.execute(
        trx,
      );
    }
  }
  return redemptions.length;
}

const DAY_MS = 86_400_000;
const DEFAULT_PERSONAL_PATTERN = 'XXXX-XXXX-XXXX';

/** A fresh code of the series' pattern; `nextByte` reads from a CSPRNG buffer refilled as needed. */
export function createCodeSource(pattern: string): () => string {
  const parsed = parseCouponPattern(pattern);
  if (!parsed.ok) throw new Error(`Invalid coupon pattern ${pattern}: ${parsed.message}`);
  let buffer = randomBytes(4096);
  let offset = 0;
  const nextByte = () => {
    if (offset >= buffer.length) {
      buffer = randomBytes(4096);
      offset = 0;
    }
    return buffer[offset++] as number;
  };
  return () => generateCouponCode(parsed.value, nextByte);
}

/**
 * Issues one personal coupon of `series` to a member (issue_coupon effects, event rewards, the
 * API). Valid from `now` for the series' `valid_days` (or the series window), `uses_per_code`
 * uses (default 1). A code that collides is drawn again.
 */
export async function issuePersonalCoupon(
  db: DbOrTrx,
  input: {
    tenantId: string;
    series: CouponSeriesRow;
    memberId: string;
    receiptId: string | null;
    now: Date;
    endsAt?: Date;
  },
): Promise<CouponRow> {
  const { series } = input;
  const next = createCodeSource(series.pattern ?? DEFAULT_PERSONAL_PATTERN);
  const endsAt = input.endsAt
    ? input.endsAt
    : series.valid_days !== null
      ? new Date(
          Math.min(
            input.now.getTime() + series.valid_days * DAY_MS,
            series.ends_at?.getTime() ?? Number.POSITIVE_INFINITY,
          ),
        )
      : series.ends_at;
  for (let attempt = 0; attempt < 10; attempt++) {
    const inserted = await db
      .insertInto('coupon')
      .values({
        tenant_id: input.tenantId,
        code: next(),
        series_id: series.id,
        member_id: input.memberId,
        max_uses: series.uses_per_code ?? 1,
        starts_at: series.starts_at && series.starts_at > input.now ? series.starts_at : input.now,
        ends_at: endsAt,
        issued_receipt_id: input.receiptId,
        created_at: input.now,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'code']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      await db
        .updateTable('coupon_series')
        .set((eb) => ({ generated_count: eb('generated_count', '+', 1), updated_at: input.now }))
        .where('tenant_id', '=', input.tenantId)
        .where('id', '=', series.id)
        .execute();
      return inserted;
    }
  }
  throw new Error(`Could not find a free code in series ${series.id}; its pattern is too small.`);
}

/** A coupon issued by a receipt that is cancelled is withdrawn, unless it was already used. */
export async function voidUnusedCoupon(trx: Trx, tenantId: string, code: string): Promise<void> {
  await trx
    .updateTable('coupon')
    .set({ status: 'void' })
    .where('tenant_id', '=', tenantId)
    .where('code', '=', code)
    .where('uses', '=', 0)
    .execute();
}

export async function findSeries(
  db: DbOrTrx,
  tenantId: string,
  seriesId: string,
): Promise<CouponSeriesRow | undefined> {
  return db
    .selectFrom('coupon_series')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', seriesId)
    .executeTakeFirst();
}
