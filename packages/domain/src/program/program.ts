import type { RoundingMode } from '../money';

export const EARN_BASES = ['paid', 'gross'] as const;
export type EarnBase = (typeof EARN_BASES)[number];

export const REFUND_POLICIES = ['debt', 'clamp'] as const;
export type ProgramRefundPolicy = (typeof REFUND_POLICIES)[number];

/** Program settings exactly as `GET /v1/program` returns them (API contract v1). */
export type Program = {
  readonly name: string;
  /** ISO 4217 code; amounts are integers in its minor unit. */
  readonly currency: string;
  /** IANA zone for day-of-week rules, pending/expiry dates, birthdays. */
  readonly timezone: string;
  /** What one point pays when spent, in minor units. */
  readonly pointValueMinor: number;
  readonly earn: {
    /** Points per one MAJOR currency unit of the earning base, as a decimal string ("0.05"). */
    readonly pointsPerUnit: string;
    readonly rounding: RoundingMode;
    readonly base: EarnBase;
    readonly excludedCategories: readonly string[];
    readonly pendingDays: number;
    /** Days after activation; null = points never expire. */
    readonly expiryDays: number | null;
  };
  readonly burn: {
    /** Whole percent 0–100 of the receipt (after discounts, without excluded categories). */
    readonly maxPercentOfReceipt: number;
    readonly excludedCategories: readonly string[];
  };
  readonly refund: { readonly policy: ProgramRefundPolicy };
  readonly receipts: { readonly maxDelayDays: number };
};

/** What `PATCH /v1/program` may carry: any subset, nested objects merged, arrays replaced. */
export type ProgramPatch = {
  readonly name?: string;
  readonly currency?: string;
  readonly timezone?: string;
  readonly pointValueMinor?: number;
  readonly earn?: Partial<Program['earn']>;
  readonly burn?: Partial<Program['burn']>;
  readonly refund?: Partial<Program['refund']>;
  readonly receipts?: Partial<Program['receipts']>;
};

/** The contract's example program (RUB, Moscow, 1 point = 1 ₽, 5 % back, 30 % cap). */
export const defaultProgram = (): Program => ({
  name: 'Loyalty program',
  currency: 'RUB',
  timezone: 'Europe/Moscow',
  pointValueMinor: 100,
  earn: {
    pointsPerUnit: '0.05',
    rounding: 'floor',
    base: 'paid',
    excludedCategories: [],
    pendingDays: 0,
    expiryDays: 365,
  },
  burn: { maxPercentOfReceipt: 30, excludedCategories: [] },
  refund: { policy: 'debt' },
  receipts: { maxDelayDays: 30 },
});
