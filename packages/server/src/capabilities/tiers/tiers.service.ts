import type { MemberTier } from '@kopilka/domain/receipts';
import {
  type Benefits,
  combineBenefits,
  computeQualifyingWindow,
  computeTierProgress,
  decideTierMovement,
  findQualifiedTier,
  findTier,
  type MemberTierState,
  resolveLadderSettings,
  type TierDefinition,
  type TierLadder,
  type TierMovement,
  tierRank,
  validateTierLadder,
} from '@kopilka/domain/tiers';
import { addLocalDays } from '@kopilka/domain/time';
import type { DbOrTrx, Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Principal } from '../../platform/principal';
import { decodeCursor, encodeCursor } from '../../platform/schemas';
import type { WriteBatch } from '../../platform/write-batch';
import { type AuditActor, actorOf, recordAudit } from '../audit/audit.service';
import { emitEvent } from '../events/events.service';
import { findMembershipBenefits } from '../memberships/memberships.service';
import { getProgramAt } from '../program/program.service';
import { accrueStatusPoints, revokeStatusPoints } from './tier-status-points.service';
import * as repo from './tiers.repository';
import type { LadderInput, MemberTierView } from './tiers.schemas';
import type { MemberTierRow } from './tiers.table';

// ---------------------------------------------------------------------------------------------
// The ladder. Read on every receipt and changed rarely: kept per tenant for a short while, like
// the program settings. A PUT on this node drops the entry at once; other nodes see it within CACHE_MS.

const CACHE_MS = 2_000;
const ladderCache = new Map<string, { until: number; ladder: TierLadder | null }>();

async function loadLadder(db: DbOrTrx, tenantId: string): Promise<TierLadder | null> {
  const hit = ladderCache.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.ladder;
  const row = await repo.findLadderRow(db, tenantId);
  const ladder = row ? (row.settings as TierLadder) : null;
  ladderCache.set(tenantId, { until: Date.now() + CACHE_MS, ladder });
  return ladder;
}

/** The tenant's ladder when it has at least one tier; null = the program has no tiers. */
export async function findLadder(db: DbOrTrx, tenantId: string): Promise<TierLadder | null> {
  const ladder = await loadLadder(db, tenantId);
  return ladder && ladder.tiers.length > 0 ? ladder : null;
}

/** GET /v1/tiers: the ladder as it was put (an empty one before the first PUT). */
export async function getLadderView(db: DbOrTrx, tenantId: string): Promise<LadderInput> {
  const ladder = await loadLadder(db, tenantId);
  return (ladder ?? { windowDays: 365, tiers: [] }) as LadderInput;
}

export async function replaceLadder(
  trx: Trx,
  principal: Principal,
  body: LadderInput,
  ctx: { now: Date; requestId?: string },
): Promise<LadderInput> {
  const problems = validateTierLadder(body);
  if (problems.length > 0) {
    throw new AppError(
      'validation_failed',
      `The tier ladder is invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      problems.map((p) => ({ field: `body.${p.field}`, message: p.message })),
    );
  }
  const version = await repo.upsertLadder(trx, {
    tenantId: principal.tenantId,
    settings: body,
    by: principal.actorId,
    now: ctx.now,
  });
  await recordAudit(trx, {
    tenantId: principal.tenantId,
    actor: actorOf(principal),
    action: 'tiers.replaced',
    targetType: 'tier_ladder',
    targetId: String(version),
    details: { ladder: body },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
  ladderCache.delete(principal.tenantId);
  return body;
}

// ---------------------------------------------------------------------------------------------
// A member's tier.

export function tierBenefitsOf(tier: TierDefinition): Benefits {
  return {
    code: tier.code,
    name: tier.name,
    discountPercent: tier.discountPercent,
    earnMultiplier: tier.earnMultiplier,
    perks: [...(tier.perks ?? [])],
    maxPointsPercent: tier.maxPointsPercent ?? null,
  };
}

function rowToState(row: MemberTierRow): MemberTierState {
  return {
    code: row.tier_code,
    source: row.source,
    since: row.since,
    overrideUntil: row.override_until,
    overrideReason: row.override_reason,
    graceUntil: row.grace_until,
  };
}

/** The stored tier, or the entry tier when the member never moved (or the stored code left the ladder). */
function effectiveTier(ladder: TierLadder, row: MemberTierRow | undefined): TierDefinition {
  return findTier(ladder, row?.tier_code) ?? ladder.tiers[0]!;
}

async function timeZoneOf(db: DbOrTrx, tenantId: string, at: Date): Promise<string> {
  return (await getProgramAt(db, tenantId, at)).program.timezone;
}

/**
 * The tier in force now (upgrades land after the receipt that earned them; downgrades at
 * re-evaluation) or, with `at` before the member's last move (a late offline receipt), the tier
 * they held at `at`, judged by the current ladder's benefits.
 */
export async function findTierBenefits(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  at?: Date,
): Promise<Benefits | null> {
  const ladder = await findLadder(db, tenantId);
  if (!ladder) return null;
  const row = await repo.findMemberTierRow(db, tenantId, memberId);
  if (at !== undefined && row !== undefined && row.since > at) {
    const before = await repo.findTierCodeBefore(db, tenantId, memberId, at);
    if (before !== undefined) return tierBenefitsOf(findTier(ladder, before.code) ?? ladder.tiers[0]!);
  }
  return tierBenefitsOf(effectiveTier(ladder, row));
}

// Seams between receipts and the tiers / memberships capabilities (issue 6).

/**
 * The member's tier and paid-membership benefits in force for a receipt at `at`, combined by the
 * contract's rules (largest discount, multipliers multiplied). A late offline receipt gets the
 * tier the member held at `at` (from the tier history); the membership must cover `at`.
 */
export async function findMemberTier(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  at: Date,
): Promise<MemberTier | null> {
  const [tier, membership] = await Promise.all([
    findTierBenefits(db, tenantId, memberId, at),
    findMembershipBenefits(db, tenantId, memberId, at),
  ]);
  const combined = combineBenefits([tier, membership].filter((b): b is Benefits => b !== null));
  return combined
    ? {
        code: combined.code,
        name: combined.name,
        discountPercent: combined.discountPercent,
        earnMultiplier: combined.earnMultiplier,
        maxPointsPercent: combined.maxPointsPercent,
      }
    : null;
}

/** The tier as the balance endpoint shows it (contract: `{ code, name } | null`); memberships are not tiers. */
export async function findMemberTierView(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  _at: Date,
): Promise<{ code: string; name: string } | null> {
  const tier = await findTierBenefits(db, tenantId, memberId);
  return tier ? { code: tier.code, name: tier.name } : null;
}

const SYSTEM: AuditActor = { actorType: 'system', actorId: null };

/**
 * Stores a movement decided by the domain, with a history entry, and a `tier.changed` event when
 * the tier itself changes (grace starting or ending is history only).
 */
async function applyMovement(
  trx: Trx,
  m: {
    tenantId: string;
    memberId: string;
    move: TierMovement;
    now: Date;
    receiptId?: string;
    actor: AuditActor;
    note?: string;
    reason?: string;
  },
): Promise<void> {
  const { move } = m;
  if (!move.next) return;
  await repo.saveMemberTier(trx, { tenantId: m.tenantId, memberId: m.memberId, ...move.next, now: m.now });
  const reason = m.reason ?? move.reason;
  const tierChanged = move.fromCode !== move.toCode;
  if (tierChanged || reason === 'grace_started' || reason === 'override') {
    await repo.insertHistory(trx, {
      tenant_id: m.tenantId,
      member_id: m.memberId,
      from_code: move.fromCode,
      to_code: move.toCode,
      reason,
      receipt_id: m.receiptId ?? null,
      actor_type: m.actor.actorType,
      actor_id: m.actor.actorId,
      note: m.note ?? null,
      at: m.now,
    });
  }
  if (tierChanged) {
    await emitEvent(trx, {
      tenantId: m.tenantId,
      type: 'tier.changed',
      memberId: m.memberId,
      payload: {
        memberId: m.memberId,
        from: move.fromCode,
        to: move.toCode,
        reason,
        receiptId: m.receiptId ?? null,
        at: m.now.toISOString(),
      },
      at: m.now,
    });
  }
}

/**
 * Inside the confirm transaction, after the receipt row exists (and after the receipt was priced
 * with the tier before it): lift the member when the metric now reaches a higher tier. The tier
 * row is locked so the re-evaluation job cannot lower the member on a metric that misses this
 * receipt (the job locks the same rows before it reads).
 */
export async function onReceiptConfirmed(
  trx: Trx,
  input: {
    tenantId: string;
    memberId: string;
    receiptId: string;
    payableMinor: number;
    occurredAt: Date;
    now: Date;
  },
  pending?: WriteBatch,
): Promise<void> {
  const { tenantId, memberId, now } = input;
  const ladder = await findLadder(trx, tenantId);
  if (!ladder) return;
  // The metric below counts this receipt: the confirm's queued writes must be in the database first.
  await pending?.flush(trx);
  await accrueStatusPoints(trx, ladder, input);
  const row = await repo.lockMemberTierRow(trx, tenantId, memberId);
  // Already at the top: nothing to compute on the hot path.
  if ((row === undefined ? 0 : tierRank(ladder, row.tier_code)) === ladder.tiers.length - 1) return;
  const settings = resolveLadderSettings(ladder);
  const timeZone = await timeZoneOf(trx, tenantId, now);
  const window = computeQualifyingWindow(ladder, now, timeZone);
  const value = await repo.computeMemberMetric(trx, tenantId, memberId, settings.metric, window.from);
  const qualified = findQualifiedTier(ladder, value)!;
  const move = decideTierMovement({
    ladder,
    current: row ? rowToState(row) : null,
    qualifiedCode: qualified.code,
    at: now,
    timeZone,
    trigger: 'receipt',
  });
  await applyMovement(trx, { tenantId, memberId, move, now, receiptId: input.receiptId, actor: SYSTEM });
}

/**
 * Inside the refund/cancel transaction: the metric fell. Downgrades wait for re-evaluation; the
 * flag makes the next job run look at this member even between its daily passes over everyone.
 */
export async function onReceiptRefunded(
  trx: Trx,
  input: { tenantId: string; memberId: string; receiptId: string; refundedPayableMinor: number; now: Date },
): Promise<void> {
  await revokeStatusPoints(trx, input);
  await repo.markNeedsReview(trx, input.tenantId, input.memberId);
}

// ---------------------------------------------------------------------------------------------
// Progress, overrides, history.

export async function getMemberTierProgress(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  now: Date,
): Promise<MemberTierView> {
  const stored = await loadLadder(db, tenantId);
  const ladder = stored ?? { windowDays: 365, tiers: [] };
  const settings = resolveLadderSettings(ladder);
  const timeZone = await timeZoneOf(db, tenantId, now);
  const window = computeQualifyingWindow(ladder, now, timeZone);
  const [row, value] = await Promise.all([
    repo.findMemberTierRow(db, tenantId, memberId),
    repo.computeMemberMetric(db, tenantId, memberId, settings.metric, window.from),
  ]);
  const hasTiers = ladder.tiers.length > 0;
  const current = hasTiers ? effectiveTier(ladder, row) : null;
  const progress = hasTiers ? computeTierProgress(ladder, current?.code ?? null, value) : null;
  const known = row !== undefined && current?.code === row.tier_code;
  const keepUntil =
    known && settings.minStayDays > 0 ? addLocalDays(row.since, settings.minStayDays, timeZone) : null;
  return {
    memberId,
    tier: current ? { ...tierBenefitsOf(current), perks: [...(current.perks ?? [])] } : null,
    source: !hasTiers ? null : known ? row.source : 'entry',
    since: known ? row.since.toISOString() : null,
    override:
      known && row.source === 'override' && row.override_until
        ? { until: row.override_until.toISOString(), reason: row.override_reason ?? '' }
        : null,
    graceUntil: known && row.grace_until ? row.grace_until.toISOString() : null,
    keepUntil: keepUntil && keepUntil > now ? keepUntil.toISOString() : null,
    metric: {
      kind: settings.metric,
      value,
      window: {
        kind: settings.window,
        days: settings.window === 'rolling' ? settings.windowDays : null,
        from: window.from ? window.from.toISOString() : null,
        to: window.to.toISOString(),
      },
    },
    qualifiedTier: progress?.qualified
      ? { code: progress.qualified.code, name: progress.qualified.name }
      : null,
    nextTier: progress?.next
      ? {
          code: progress.next.tier.code,
          name: progress.next.tier.name,
          threshold: progress.next.threshold,
          remaining: progress.next.remaining,
        }
      : null,
    keepCurrent: progress?.keep
      ? { threshold: progress.keep.threshold, remaining: progress.keep.remaining }
      : null,
  };
}

export async function setTierOverride(
  trx: Trx,
  principal: Principal,
  memberId: string,
  input: { tierCode: string; until: string; reason: string },
  ctx: { now: Date; requestId?: string },
): Promise<void> {
  const { tenantId } = principal;
  const ladder = await findLadder(trx, tenantId);
  if (!ladder || !findTier(ladder, input.tierCode)) {
    throw new AppError(
      'unprocessable',
      `The tier ladder has no tier '${input.tierCode}'; see GET /v1/tiers.`,
      { tierCode: input.tierCode },
    );
  }
  const until = new Date(input.until);
  if (until <= ctx.now) {
    throw new AppError('validation_failed', 'An override must end in the future.', [
      { field: 'body.until', message: 'must be later than now' },
    ]);
  }
  const row = await repo.lockMemberTierRow(trx, tenantId, memberId);
  const fromCode = effectiveTier(ladder, row).code;
  const move: TierMovement = {
    next: {
      code: input.tierCode,
      source: 'override',
      since: row?.tier_code === input.tierCode ? row.since : ctx.now,
      overrideUntil: until,
      overrideReason: input.reason,
      graceUntil: null,
    },
    fromCode,
    toCode: input.tierCode,
    reason: 'unchanged',
  };
  await applyMovement(trx, {
    tenantId,
    memberId,
    move,
    now: ctx.now,
    actor: actorOf(principal),
    note: input.reason,
    reason: 'override',
  });
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: 'tier.override_set',
    targetType: 'member',
    targetId: memberId,
    details: { from: fromCode, to: input.tierCode, until: until.toISOString(), reason: input.reason },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
}

/** Ends an override now: the member gets what the metric reaches, as when an override expires. */
export async function removeTierOverride(
  trx: Trx,
  principal: Principal,
  memberId: string,
  ctx: { now: Date; requestId?: string },
): Promise<boolean> {
  const { tenantId } = principal;
  const ladder = await findLadder(trx, tenantId);
  const row = await repo.lockMemberTierRow(trx, tenantId, memberId);
  if (!ladder || !row || row.source !== 'override') return false;
  const timeZone = await timeZoneOf(trx, tenantId, ctx.now);
  const settings = resolveLadderSettings(ladder);
  const window = computeQualifyingWindow(ladder, ctx.now, timeZone);
  const value = await repo.computeMemberMetric(trx, tenantId, memberId, settings.metric, window.from);
  const qualified = findQualifiedTier(ladder, value)!;
  const move = decideTierMovement({
    ladder,
    current: { ...rowToState(row), overrideUntil: ctx.now },
    qualifiedCode: qualified.code,
    at: ctx.now,
    timeZone,
    trigger: 'reevaluation',
  });
  await applyMovement(trx, {
    tenantId,
    memberId,
    move: { ...move, fromCode: effectiveTier(ladder, row).code },
    now: ctx.now,
    actor: actorOf(principal),
    reason: 'override_removed',
  });
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: 'tier.override_removed',
    targetType: 'member',
    targetId: memberId,
    details: { from: row.tier_code, to: move.toCode },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
  return true;
}

const isHistoryCursor = (v: unknown): v is number => Number.isSafeInteger(v);

export async function listTierHistory(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  opts: { limit: number; cursor?: string | undefined },
) {
  const before = decodeCursor(opts.cursor, isHistoryCursor);
  const rows = await repo.listHistoryRows(db, tenantId, memberId, { limit: opts.limit, beforeId: before });
  const page = rows.slice(0, opts.limit);
  return {
    items: page.map((r) => ({
      entryId: `tch_${r.id}`,
      at: r.at.toISOString(),
      from: r.from_code,
      to: r.to_code,
      reason: r.reason,
      ...(r.receipt_id ? { receiptId: r.receipt_id } : {}),
      actor: { type: r.actor_type, id: r.actor_id },
      ...(r.note ? { note: r.note } : {}),
    })),
    nextCursor: rows.length > opts.limit ? encodeCursor(page[page.length - 1]!.id) : null,
  };
}

/** What a till or shop reads: the tier's and the plan's benefits and what receipts apply. */
export async function getMemberBenefits(db: DbOrTrx, tenantId: string, memberId: string, now: Date) {
  const [tier, membership] = await Promise.all([
    findTierBenefits(db, tenantId, memberId),
    findMembershipBenefits(db, tenantId, memberId, now),
  ]);
  const combined = combineBenefits([tier, membership].filter((b): b is Benefits => b !== null));
  const view = (b: Benefits) => ({ ...b, perks: [...b.perks] });
  return {
    memberId,
    tier: tier ? view(tier) : null,
    membership: membership
      ? {
          ...view(membership),
          membershipId: membership.membershipId,
          status: membership.status,
          currentPeriodEnd: membership.currentPeriodEnd,
        }
      : null,
    combined: combined ? view(combined) : null,
    freeDelivery: combined?.perks.includes('free_delivery') ?? false,
  };
}
