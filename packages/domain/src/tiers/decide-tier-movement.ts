import { addLocalDays } from '../time';
import { resolveLadderSettings, type TierLadder, tierRank } from './tier-ladder';

export type TierSource = 'auto' | 'override';

/** What the member_tier row holds. No row = the entry tier, reached automatically. */
export type MemberTierState = {
  readonly code: string;
  readonly source: TierSource;
  readonly since: Date;
  readonly overrideUntil: Date | null;
  readonly overrideReason: string | null;
  readonly graceUntil: Date | null;
};

export type TierMovementReason =
  | 'unchanged'
  | 'upgrade'
  | 'downgrade'
  | 'grace_started'
  | 'grace_cleared'
  | 'override_expired'
  | 'ladder_changed';

export type TierMovement = {
  /** The state to store; null = keep what is stored (or the implicit entry tier). */
  readonly next: MemberTierState | null;
  readonly fromCode: string | null;
  readonly toCode: string | null;
  readonly reason: TierMovementReason;
};

export type TierMovementInput = {
  readonly ladder: TierLadder;
  readonly current: MemberTierState | null;
  /** The tier the metric reaches now (`findQualifiedTier`). */
  readonly qualifiedCode: string;
  readonly at: Date;
  readonly timeZone: string;
  /** receipt: a confirmed receipt may only lift the member; reevaluation: the scheduled job. */
  readonly trigger: 'receipt' | 'reevaluation';
};

export const isOverrideActive = (state: MemberTierState | null, at: Date): boolean =>
  state !== null && state.source === 'override' && (state.overrideUntil === null || state.overrideUntil > at);

/**
 * The movement rules, in one place (the batch re-evaluation job runs the same rules in SQL, and
 * its tests hold it to this function):
 * - up as soon as the metric reaches a higher tier — from a receipt or the job — even over an
 *   override (staff may lift a member, never hold them below what they earned);
 * - down only at re-evaluation: never while an override is active, never before `minStayDays`
 *   after the tier was reached, and with `graceDays` the first finding only starts the grace;
 * - an expired override gives way to whatever the metric reaches, at once;
 * - a code the ladder no longer has is replaced by the qualified tier at the next look.
 */
export const decideTierMovement = (input: TierMovementInput): TierMovement => {
  const { ladder, current, qualifiedCode, at, timeZone, trigger } = input;
  const settings = resolveLadderSettings(ladder);
  const entryCode = ladder.tiers[0]?.code ?? null;
  const currentCode = current?.code ?? entryCode;
  const currentRank = current === null ? 0 : tierRank(ladder, current.code);
  const qualifiedRank = tierRank(ladder, qualifiedCode);
  const keep: TierMovement = { next: null, fromCode: currentCode, toCode: currentCode, reason: 'unchanged' };
  const moveTo = (reason: TierMovementReason): TierMovement => ({
    next: {
      code: qualifiedCode,
      source: 'auto',
      since: current !== null && current.code === qualifiedCode ? current.since : at,
      overrideUntil: null,
      overrideReason: null,
      graceUntil: null,
    },
    fromCode: currentCode,
    toCode: qualifiedCode,
    reason,
  });

  if (qualifiedRank < 0) return keep;
  if (currentRank < 0) return moveTo('ladder_changed');
  if (qualifiedRank > currentRank) return moveTo('upgrade');
  if (trigger === 'receipt' || current === null) return keep;
  if (isOverrideActive(current, at)) return keep;
  if (current.source === 'override') return moveTo('override_expired');
  if (qualifiedRank === currentRank) {
    return current.graceUntil === null
      ? keep
      : { ...keep, next: { ...current, graceUntil: null }, reason: 'grace_cleared' };
  }
  if (settings.minStayDays > 0 && addLocalDays(current.since, settings.minStayDays, timeZone) > at)
    return keep;
  if (settings.graceDays > 0) {
    if (current.graceUntil === null) {
      return {
        ...keep,
        next: { ...current, graceUntil: addLocalDays(at, settings.graceDays, timeZone) },
        reason: 'grace_started',
      };
    }
    if (current.graceUntil > at) return keep;
  }
  return moveTo('downgrade');
};
