import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAccrual } from '../accrue-points';
import { planActivation } from '../activate-lots';
import { planAdjustment } from '../adjust-points';
import { applyLedgerPlan, computeAccountDeltas } from '../apply-ledger-plan';
import { computeBalance } from '../compute-balance';
import { planExpiry } from '../expire-lots';
import type { LedgerAccountRow, LedgerPostingRow } from '../ledger-invariants';
import { checkLedgerInvariants } from '../ledger-invariants';
import type {
  AccountRef,
  LedgerPlan,
  Lot,
  LotPoints,
  MemberPointsState,
  RefundPolicy,
} from '../ledger-types';
import { MEMBER_BUCKETS, PROGRAM_ACCOUNTS } from '../ledger-types';
import { computeSpendablePoints } from '../lot-allocation';
import { isLotSpendable } from '../lot-order';
import { placeHold, releaseHold } from '../points-holds';
import { planSpendReturn } from '../return-spend';
import { planRevocation } from '../revoke-accrual';
import { planSpend } from '../spend-points';
import { allocateSpendReturn } from '../spend-return-allocation';
import { DAY_MS, T0 } from './ledger-factories';

// A model of one member's ledger that applies plans the way persistence does (postings to cached
// balances, plan to lots), so the invariant checker sees exactly what `ledger verify` would.

type Command =
  | { kind: 'accrue'; points: number; pendingHours: number; expiryDays: number | null }
  | { kind: 'spend'; points: number }
  | { kind: 'hold'; points: number; ttlHours: number }
  | { kind: 'confirm'; pick: number }
  | { kind: 'release'; pick: number }
  | { kind: 'return'; pick: number; percent: number }
  | { kind: 'revoke'; pick: number; percent: number }
  | { kind: 'adjust'; points: number; expiryDays: number | null }
  | { kind: 'activate' }
  | { kind: 'expire' }
  | { kind: 'advance'; hours: number };

const expiryDays = fc.option(fc.integer({ min: 0, max: 10 }), { nil: null });
const pick = fc.nat({ max: 1000 });
const percent = fc.integer({ min: 1, max: 100 });

// Weighted so that the interesting paths (spend, return, revoke into debt or write-off, jobs
// after the clock moved) happen often; zero amounts stay possible but rare.
const smallPoints = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 9 },
  { arbitrary: fc.constant(0), weight: 1 },
);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('accrue' as const),
      points: smallPoints,
      pendingHours: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 72 })),
      expiryDays,
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('spend' as const), points: smallPoints }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      points: smallPoints,
      ttlHours: fc.integer({ min: 0, max: 48 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('confirm' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('return' as const), pick, percent }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('revoke' as const), pick, percent }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      points: fc.integer({ min: -60, max: 60 }),
      expiryDays,
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'activate' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'expire' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 0, max: 96 }) }),
  },
);
const commandsArb = fc.array(commandArb, { minLength: 1, maxLength: 50, size: 'max' });

type Model = {
  policy: RefundPolicy;
  now: Date;
  state: MemberPointsState;
  balances: Map<AccountRef, number>;
  postings: LedgerPostingRow[];
  spends: { spent: LotPoints[]; returned: LotPoints[] }[];
  accruals: { lotId: string; amount: number; revoked: number }[];
  nextId: number;
};

const hours = (from: Date, count: number) => new Date(from.getTime() + count * 3_600_000);
const days = (from: Date, count: number) => new Date(from.getTime() + count * DAY_MS);

function newModel(policy: RefundPolicy): Model {
  return {
    policy,
    now: T0,
    state: { lots: [], debt: 0, holds: [] },
    balances: new Map(),
    postings: [],
    spends: [],
    accruals: [],
    nextId: 1,
  };
}

function apply(model: Model, plan: LedgerPlan): void {
  const operationId = `op${model.nextId++}`;
  for (const posting of plan.postings) {
    model.postings.push({
      operationId,
      fromAccountId: posting.from,
      toAccountId: posting.to,
      points: posting.points,
    });
  }
  for (const [account, delta] of computeAccountDeltas(plan.postings)) {
    model.balances.set(account, (model.balances.get(account) ?? 0) + delta);
  }
  model.state = applyLedgerPlan(model.state, plan);
}

function choose<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function run(model: Model, command: Command): void {
  const { now } = model;
  switch (command.kind) {
    case 'accrue': {
      const lotId = `lot${model.nextId}`;
      const activatesAt = hours(now, command.pendingHours);
      const expiresAt = command.expiryDays === null ? null : days(activatesAt, command.expiryDays);
      apply(model, planAccrual(model.state, { lotId, points: command.points, activatesAt, expiresAt }, now));
      if (command.points > 0) model.accruals.push({ lotId, amount: command.points, revoked: 0 });
      return;
    }
    case 'spend': {
      const result = planSpend(model.state, { points: command.points }, now);
      expect(result.ok).toBe(command.points <= computeSpendablePoints(model.state, now));
      if (!result.ok) return;
      expect(result.allocation).toEqual(greedyAllocation(model.state, command.points, now));
      apply(model, result.plan);
      model.spends.push({ spent: result.allocation, returned: [] });
      return;
    }
    case 'hold': {
      const holdId = `hold${model.nextId++}`;
      const result = placeHold(
        model.state,
        { holdId, points: command.points, expiresAt: hours(now, command.ttlHours) },
        now,
      );
      if (result.ok) model.state = { ...model.state, holds: [...(model.state.holds ?? []), result.hold] };
      return;
    }
    case 'confirm': {
      const hold = choose(model.state.holds ?? [], command.pick);
      if (hold === undefined) return;
      const points = hold.lots.reduce((sum, entry) => sum + entry.points, 0);
      const result = planSpend(model.state, { points, holdId: hold.holdId }, now);
      if (!result.ok) return;
      apply(model, result.plan);
      expect(model.state.holds?.some((entry) => entry.holdId === hold.holdId)).toBe(false);
      model.spends.push({ spent: result.allocation, returned: [] });
      return;
    }
    case 'release': {
      const hold = choose(model.state.holds ?? [], command.pick);
      if (hold !== undefined) model.state = releaseHold(model.state, hold.holdId);
      return;
    }
    case 'return': {
      const spend = choose(model.spends, command.pick);
      if (spend === undefined) return;
      const left =
        spend.spent.reduce((sum, entry) => sum + entry.points, 0) -
        spend.returned.reduce((sum, entry) => sum + entry.points, 0);
      const points = Math.ceil((left * command.percent) / 100);
      const lots = allocateSpendReturn({ spent: spend.spent, returned: spend.returned, points });
      apply(model, planSpendReturn(model.state, { lots }, now));
      spend.returned.push(...lots);
      return;
    }
    case 'revoke': {
      const accrual = choose(model.accruals, command.pick);
      if (accrual === undefined) return;
      const points = Math.ceil(((accrual.amount - accrual.revoked) * command.percent) / 100);
      const plan = planRevocation(model.state, { lotId: accrual.lotId, points, policy: model.policy }, now);
      expect(plan.debtDelta + plan.pointsWrittenOff).toBeLessThanOrEqual(points);
      apply(model, plan);
      accrual.revoked += points;
      return;
    }
    case 'adjust': {
      const lotId = `adj${model.nextId}`;
      const expiresAt = command.expiryDays === null ? null : days(now, command.expiryDays);
      const result = planAdjustment(model.state, { points: command.points, lotId, expiresAt }, now);
      expect(result.ok).toBe(-command.points <= computeSpendablePoints(model.state, now));
      if (result.ok) apply(model, result.plan);
      return;
    }
    case 'activate':
      apply(model, planActivation(model.state, now));
      return;
    case 'expire':
      apply(model, planExpiry(model.state, now));
      return;
    case 'advance':
      model.now = hours(now, command.hours);
      return;
  }
}

/**
 * Oracle for a plain spend: walk spendable lots in spend order and take what other holds leave
 * free. Written independently of lot-allocation.ts (sorting by tuple, holds summed by hand).
 */
function greedyAllocation(state: MemberPointsState, points: number, now: Date): LotPoints[] {
  const activeHolds = (state.holds ?? []).filter((hold) => hold.expiresAt > now);
  const held = (lotId: string) =>
    activeHolds
      .flatMap((hold) => hold.lots)
      .reduce((sum, entry) => sum + (entry.lotId === lotId ? entry.points : 0), 0);
  const key = (lot: Lot) => [lot.expiresAt?.getTime() ?? Number.MAX_VALUE, lot.createdAt.getTime()] as const;
  const ordered = state.lots
    .filter((lot) => lot.bucket === 'available' && (lot.expiresAt === null || lot.expiresAt > now))
    .sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1] || (a.lotId < b.lotId ? -1 : 1));
  const taken: LotPoints[] = [];
  let need = points;
  for (const lot of ordered) {
    const take = Math.min(need, lot.remaining - held(lot.lotId));
    if (take > 0) taken.push({ lotId: lot.lotId, points: take });
    need -= Math.max(0, take);
  }
  return taken;
}

function accountRows(model: Model): LedgerAccountRow[] {
  const member = MEMBER_BUCKETS.map((name) => ({ name, memberId: 'm1' }));
  const program = PROGRAM_ACCOUNTS.map((name) => ({ name, memberId: null }));
  return [...member, ...program].map(({ name, memberId }) => ({
    accountId: name,
    currency: 'points',
    memberId,
    name,
    balance: model.balances.get(name) ?? 0,
  }));
}

function assertHealthy(model: Model): void {
  const { state, now, policy } = model;
  const problems = checkLedgerInvariants({
    policy,
    accounts: accountRows(model),
    postings: model.postings,
    lots: state.lots.map((lot) => ({ ...lot, memberId: 'm1', currency: 'points' })),
    debts: [{ memberId: 'm1', currency: 'points', debt: state.debt }],
  });
  expect(problems).toEqual([]);

  // Points are never created or destroyed: every account together always sums to zero.
  expect([...model.balances.values()].reduce((sum, balance) => sum + balance, 0)).toBe(0);

  const balance = computeBalance(state.lots, state.debt, now);
  const availableAccount = model.balances.get('available') ?? 0;
  if (policy === 'clamp') {
    expect(state.debt).toBe(0);
    expect(availableAccount).toBeGreaterThanOrEqual(0);
    expect(balance.available).toBeGreaterThanOrEqual(0);
  }
  expect(balance.available).toBe(availableAccount - pastExpiryRemaining(model));
  expect(balance.pending).toBe(model.balances.get('pending') ?? 0);
  // Debt is netted eagerly: a member in debt never holds spendable points.
  if (state.debt > 0) expect(state.lots.filter((lot) => isLotSpendable(lot, now))).toEqual([]);
}

function pastExpiryRemaining(model: Model): number {
  return model.state.lots
    .filter((lot) => lot.bucket === 'available' && lot.expiresAt !== null && lot.expiresAt <= model.now)
    .reduce((sum, lot) => sum + lot.remaining, 0);
}

const policyArb = fc.constantFrom<RefundPolicy>('debt', 'clamp');

describe('ledger properties', () => {
  it('any sequence of operations keeps every invariant', () => {
    fc.assert(
      fc.property(policyArb, commandsArb, (policy, commands) => {
        const model = newModel(policy);
        for (const command of commands) {
          run(model, command);
          assertHealthy(model);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('a full return of a spend restores the exact lots (clamp: never in debt)', () => {
    fc.assert(
      fc.property(commandsArb, fc.integer({ min: 1, max: 100 }), (setup, percent) => {
        const model = newModel('clamp');
        for (const command of setup) run(model, command);
        const spendable = computeSpendablePoints(model.state, model.now);
        fc.pre(spendable > 0);
        const before = model.state;
        const spend = planSpend(before, { points: Math.ceil((spendable * percent) / 100) }, model.now);
        if (!spend.ok) throw new Error('a spend within the spendable balance must succeed');
        apply(model, spend.plan);
        apply(model, planSpendReturn(model.state, { lots: spend.allocation }, model.now));
        expect(model.state).toEqual(before);
        assertHealthy(model);
      }),
      { numRuns: 200 },
    );
  });

  it('partial returns in any split end with the exact lots restored', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 200 }),
        (amounts, percents, points) => {
          const model = newModel('clamp');
          for (const [index, amount] of amounts.entries()) {
            const expiryDays = index % 3 === 0 ? null : index;
            run(model, { kind: 'accrue', points: amount, pendingHours: 0, expiryDays });
          }
          const before = model.state;
          const spend = planSpend(before, { points }, model.now);
          fc.pre(spend.ok);
          if (!spend.ok) return;
          apply(model, spend.plan);
          model.spends = [{ spent: spend.allocation, returned: [] }];
          for (const share of [...percents, 100]) run(model, { kind: 'return', pick: 0, percent: share });
          expect(model.state).toEqual(before);
          assertHealthy(model);
        },
      ),
      { numRuns: 200 },
    );
  });
});
