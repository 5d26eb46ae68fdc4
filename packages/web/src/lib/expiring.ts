// Several lots often expire on the same day; a member wants one line per day.

export type Expiring = { points: number; expiresAt: string };

/** Sums lots expiring on the same calendar day (in `timeZone`), soonest first. */
export function groupExpiringByDay(items: readonly Expiring[], timeZone?: string): Expiring[] {
  const dayOf = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  });
  const byDay = new Map<string, Expiring>();
  for (const e of [...items].sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))) {
    const day = dayOf.format(new Date(e.expiresAt));
    const seen = byDay.get(day);
    if (seen) seen.points += e.points;
    else byDay.set(day, { points: e.points, expiresAt: e.expiresAt });
  }
  return [...byDay.values()];
}
