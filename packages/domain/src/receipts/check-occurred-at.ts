import type { Program } from '../program';
import { addLocalDays } from '../time';

// Tills' clocks drift; a few minutes ahead is tolerated, more is a wrong clock or a forgery.
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type OccurredAtCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: 'occurred_at_out_of_range';
      readonly earliest: Date;
      readonly latest: Date;
    };

/**
 * `occurredAt` may be at most 5 minutes ahead of `now` and at most `receipts.maxDelayDays`
 * local days behind it (the offline window; the bound itself is inside).
 */
export const checkOccurredAt = (
  occurredAt: Date,
  now: Date,
  program: Pick<Program, 'timezone' | 'receipts'>,
): OccurredAtCheck => {
  const latest = new Date(now.getTime() + MAX_CLOCK_SKEW_MS);
  const earliest = addLocalDays(now, -program.receipts.maxDelayDays, program.timezone);
  const at = occurredAt.getTime();
  if (Number.isNaN(at) || at > latest.getTime() || at < earliest.getTime()) {
    return { ok: false, code: 'occurred_at_out_of_range', earliest, latest };
  }
  return { ok: true };
};
