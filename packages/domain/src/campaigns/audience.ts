import type { CampaignAudience } from '../receipts/campaign';
import { getLocalParts } from '../time';

/** What the server knows about the member for audience rules the receipt alone cannot decide. */
export type MemberFacts = {
  /** 'YYYY-MM-DD' or null. */
  readonly birthDate: string | null;
  readonly joinedAt: Date;
  /** Confirmed receipts before this one (not counting cancelled ones). */
  readonly confirmedReceipts: number;
};

const DAY_MS = 86_400_000;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Day number (days since 1970-01-01) of a calendar date; 29 February is the 28th in other years. */
const dayNumber = (year: number, month: number, day: number): number => {
  const safeDay = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
  return Math.floor(Date.UTC(year, month - 1, safeDay) / DAY_MS);
};

const parseBirthDate = (birthDate: string): { month: number; day: number } | null => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return null;
  return { month: Number(match[2]), day: Number(match[3]) };
};

/**
 * Whether `at` (in the program's time zone) lies in the member's birthday window: the whole
 * birth month, or from `daysBefore` days before the birthday to `daysAfter` days after it
 * (inclusive, across a new year too).
 */
export const isInBirthdayWindow = (
  birthDate: string | null,
  at: Date,
  timeZone: string,
  window: NonNullable<CampaignAudience['birthday']>,
): boolean => {
  if (birthDate === null) return false;
  const birthday = parseBirthDate(birthDate);
  if (birthday === null) return false;
  const local = getLocalParts(at, timeZone);
  if (window === 'month') return local.month === birthday.month;
  const today = dayNumber(local.year, local.month, local.day);
  for (const year of [local.year - 1, local.year, local.year + 1]) {
    const day = dayNumber(year, birthday.month, birthday.day);
    if (today >= day - window.daysBefore && today <= day + window.daysAfter) return true;
  }
  return false;
};

/** Audience rules that need member facts (the tier and "members only" are checked in the calculation). */
export const memberMatchesAudience = (
  audience: CampaignAudience | null | undefined,
  facts: MemberFacts,
  at: Date,
  timeZone: string,
): boolean => {
  if (!audience) return true;
  if (audience.newMembersWithinDays !== undefined && audience.newMembersWithinDays !== null) {
    const age = at.getTime() - facts.joinedAt.getTime();
    if (age > audience.newMembersWithinDays * DAY_MS) return false;
  }
  if (audience.birthday !== undefined && audience.birthday !== null) {
    if (!isInBirthdayWindow(facts.birthDate, at, timeZone, audience.birthday)) return false;
  }
  if (audience.firstPurchase === true && facts.confirmedReceipts > 0) return false;
  return true;
};
