import { defaultProgram, mergeProgramPatch, type Program, type ProgramPatch } from '../../program';
import { calculateReceipt } from '../calculate-receipt';
import type { Campaign, CampaignConditions, CampaignEffect } from '../campaign';
import type {
  CalculateReceiptInput,
  MemberContext,
  MemberTier,
  ReceiptCalculation,
  ReceiptInput,
  ReceiptLineInput,
} from '../receipt-types';

/** Sunday 22 November 2026, 13:15 in Moscow: the contract's example instant. */
export const SUNDAY = new Date('2026-11-22T10:15:00Z');
/** Wednesday 25 November 2026, 13:15 in Moscow. */
export const WEDNESDAY = new Date('2026-11-25T10:15:00Z');

export const line = (overrides: Partial<ReceiptLineInput> = {}): ReceiptLineInput => ({
  lineId: '1',
  sku: 'LATTE',
  category: 'coffee',
  quantity: 1,
  amountMinor: 40000,
  ...overrides,
});

/** Lines get ids "1", "2", … unless given. */
export const receipt = (
  overrides: Omit<Partial<ReceiptInput>, 'lines'> & { lines?: Partial<ReceiptLineInput>[] } = {},
): ReceiptInput => {
  const { lines = [{}], ...rest } = overrides;
  return {
    receiptId: 'shop1-000123',
    occurredAt: SUNDAY,
    coupons: [],
    pointsToSpend: 0,
    ...rest,
    lines: lines.map((overridesOfLine, index) => line({ lineId: String(index + 1), ...overridesOfLine })),
  };
};

export const program = (patch: ProgramPatch = {}): Program => mergeProgramPatch(defaultProgram(), patch);

export const SILVER: MemberTier = {
  code: 'silver',
  name: 'Silver',
  discountPercent: '5',
  earnMultiplier: '1',
};
export const GOLD: MemberTier = { code: 'gold', name: 'Gold', discountPercent: '10', earnMultiplier: '1.5' };

export const member = (overrides: Partial<NonNullable<MemberContext>> = {}): NonNullable<MemberContext> => ({
  memberId: 'mbr_1',
  availablePoints: 0,
  tier: null,
  ...overrides,
});

export const campaign = (
  overrides: Omit<Partial<Campaign>, 'conditions'> & { conditions?: Partial<CampaignConditions> } = {},
): Campaign => {
  const { conditions, ...rest } = overrides;
  const effect: CampaignEffect = { type: 'earn_multiplier', multiplier: '2' };
  return {
    campaignId: 'cmp_1',
    name: 'Double points on weekends',
    status: 'active',
    startsAt: null,
    endsAt: null,
    priority: 10,
    effect,
    ...rest,
    conditions: { minAmountMinor: 0, categories: [], skus: [], daysOfWeek: [], coupon: null, ...conditions },
  };
};

export const input = (overrides: Partial<CalculateReceiptInput> = {}): CalculateReceiptInput => ({
  receipt: receipt(),
  member: member(),
  program: program(),
  campaigns: [],
  now: SUNDAY,
  ...overrides,
});

/** Calculates and fails the test with the problems if the input was rejected. */
export const calculate = (overrides: Partial<CalculateReceiptInput> = {}): ReceiptCalculation => {
  const result = calculateReceipt(input(overrides));
  if (!result.ok) throw new Error(`Unexpected problems: ${JSON.stringify(result.problems)}`);
  return result.calculation;
};

/** The figures of each line, in order: a compact shape for table tests. */
export const figures = (calculation: ReceiptCalculation) =>
  calculation.lines.map(({ discountMinor, pointsSpent, pointsSpentMinor, payableMinor, pointsEarned }) => ({
    discountMinor,
    pointsSpent,
    pointsSpentMinor,
    payableMinor,
    pointsEarned,
  }));
