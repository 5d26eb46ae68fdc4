// Dashboard periods: the last N days up to the end of today in the browser's time zone.

export type PeriodDays = 7 | 30 | 90 | 365;

export function periodRange(days: PeriodDays, now: Date = new Date()): { from: string; to: string } {
  const end = new Date(now);
  end.setHours(24, 0, 0, 0); // next local midnight
  const start = new Date(end);
  start.setDate(start.getDate() - days);
  return { from: start.toISOString(), to: end.toISOString() };
}
