import {
  allocateSpendReturn,
  applyLedgerPlan,
  computeBalance,
  type LotPoints,
  type MemberPointsState,
  planAccrual,
  planActivation,
  planAdjustment,
  planExpiry,
  planRevocation,
  planSpend,
  planSpendReturn,
} from '@kopilka/domain/ledger';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DatabaseHandle, type Db, inTransaction } from '../../../platform/db';
import { createJobRunner } from '../../../platform/jobs';
import { createLogger } from '../../../platform/logger';
import { describeEachEngine } from '../../../testing/engines';
import { seedTenant } from '../../../testing/test-app';
import { ledgerJobs } from '../ledger.jobs';
import {
  accrueToWallet,
  adjustPoints,
  createInternalOperation,
  getBalance,
  returnToWallet,
  revokeFromWallet,
  spendFromWallet,
} from '../ledger.service';
import { openWallet, type WalletRef } from '../wallet.service';
import { verify, walletRef } from './ledger-fixtures';

// Model-based test: random operation sequences run against the real database and against an
// in-memory model (the pure domain planner over plain state). After every command the persisted
// lots and balances must equal the model's, and the ledger must verify. A failure prints the seed
// and the command path; replay it with FC_SEED=<seed> (and FC_PATH=<path>).
const DAY = 86_400_000;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const path = process.env.FC_PATH;

type Model = {
  state: MemberPointsState;
  now: Date;
  spends: { allocation: LotPoints[]; returned: LotPoints[] }[];
  accruals: { lotId: string; amount: number; revoked: number }[];
  /** points of each lot sitting in `expired` (expired, not reversed by a revocation) */
  expired: Map<string, number>;
};

function trackExpired(
  m: Model,
  plan: { postings: { from: string; to: string; points: number; lotId?: string }[] },
) {
  for (const p of plan.postings) {
    if (!p.lotId) continue;
    if (p.to === 'expired') m.expired.set(p.lotId, (m.expired.get(p.lotId) ?? 0) + p.points);
    if (p.from === 'expired') m.expired.set(p.lotId, (m.expired.get(p.lotId) ?? 0) - p.points);
  }
}
type Real = { db: Db; ref: WalletRef; tenantId: string };

async function tx<T>(
  r: Real,
  scope: string,
  fn: (trx: Parameters<Parameters<typeof inTransaction>[1]>[0], operationId: string) => Promise<T>,
) {
  return inTransaction(r.db, async (trx) => fn(trx, await createInternalOperation(trx, r.tenantId, scope)));
}

async function check(m: Model, r: Real) {
  const rows = await r.db
    .selectFrom('lot')
    .select(['id', 'remaining', 'bucket'])
    .where('member_id', '=', r.ref.memberId)
    .execute();
  const real = Object.fromEntries(
    rows.filter((l) => l.remaining > 0 || l.bucket === 'pending').map((l) => [l.id, [l.remaining, l.bucket]]),
  );
  const model = Object.fromEntries(
    m.state.lots
      .filter((l) => l.remaining > 0 || l.bucket === 'pending')
      .map((l) => [l.lotId, [l.remaining, l.bucket]]),
  );
  expect(real).toEqual(model);
  const b = computeBalance(m.state.lots, m.state.debt, m.now);
  expect(await getBalance(r.db, r.tenantId, r.ref.memberId, m.now)).toEqual({
    available: b.available,
    pending: b.pending,
    expiring: b.expiring.map((e) => ({ points: e.points, expiresAt: e.expiresAt.toISOString() })),
  });
}

class Accrue implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly points: number,
    readonly pendingDays: number,
    readonly expiryDays: number | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const activatesAt = new Date(m.now.getTime() + this.pendingDays * DAY);
    const expiresAt =
      this.expiryDays === null ? null : new Date(activatesAt.getTime() + this.expiryDays * DAY);
    const lotId = await tx(r, 'model:accrue', async (trx, operationId) => {
      const w = await openWallet(trx, r.ref, { now: m.now });
      return (
        await accrueToWallet(
          trx,
          w,
          { points: this.points, activatesAt, expiresAt },
          { operationId, now: m.now },
        )
      ).lotId!;
    });
    m.state = applyLedgerPlan(
      m.state,
      planAccrual(m.state, { lotId, points: this.points, activatesAt, expiresAt }, m.now),
    );
    m.accruals.push({ lotId, amount: this.points, revoked: 0 });
    await check(m, r);
  }
  toString = () => `accrue(${this.points}, pending ${this.pendingDays}d, expiry ${this.expiryDays}d)`;
}

class Spend implements fc.AsyncCommand<Model, Real> {
  constructor(readonly points: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const expected = planSpend(m.state, { points: this.points }, m.now);
    const result = await tx(r, 'model:spend', async (trx, operationId) =>
      spendFromWallet(
        trx,
        await openWallet(trx, r.ref, { now: m.now }),
        { points: this.points },
        { operationId, now: m.now },
      ),
    );
    expect(result.ok).toBe(expected.ok);
    if (result.ok && expected.ok) {
      expect(result.allocation).toEqual(expected.allocation);
      m.state = applyLedgerPlan(m.state, expected.plan);
      m.spends.push({ allocation: expected.allocation, returned: [] });
    }
    await check(m, r);
  }
  toString = () => `spend(${this.points})`;
}

class ReturnSpend implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly index: number,
    readonly percent: number,
  ) {}
  check = (m: Readonly<Model>) => m.spends.length > 0;
  async run(m: Model, r: Real) {
    const spend = m.spends[this.index % m.spends.length]!;
    const left =
      spend.allocation.reduce((s, a) => s + a.points, 0) - spend.returned.reduce((s, a) => s + a.points, 0);
    const points = Math.ceil((left * this.percent) / 100);
    if (points === 0) return;
    const lots = allocateSpendReturn({ spent: spend.allocation, returned: spend.returned, points });
    await tx(r, 'model:return', async (trx, operationId) => {
      const w = await openWallet(trx, r.ref, { now: m.now, extraLotIds: lots.map((l) => l.lotId) });
      await returnToWallet(trx, w, lots, { operationId, now: m.now });
    });
    m.state = applyLedgerPlan(m.state, planSpendReturn(m.state, { lots }, m.now));
    spend.returned.push(...lots);
    await check(m, r);
  }
  toString = () => `return(spend #${this.index}, ${this.percent}%)`;
}

class Revoke implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly index: number,
    readonly percent: number,
    readonly policy: 'debt' | 'clamp',
  ) {}
  check = (m: Readonly<Model>) => m.accruals.length > 0;
  async run(m: Model, r: Real) {
    const accrual = m.accruals[this.index % m.accruals.length]!;
    const points = Math.ceil(((accrual.amount - accrual.revoked) * this.percent) / 100);
    if (points === 0) return;
    await tx(r, 'model:revoke', async (trx, operationId) => {
      const w = await openWallet(trx, r.ref, { now: m.now, extraLotIds: [accrual.lotId] });
      await revokeFromWallet(
        trx,
        w,
        { lotId: accrual.lotId, points, policy: this.policy },
        { operationId, now: m.now },
      );
    });
    const plan = planRevocation(
      m.state,
      {
        lotId: accrual.lotId,
        points,
        policy: this.policy,
        expiredFromLot: m.expired.get(accrual.lotId) ?? 0,
      },
      m.now,
    );
    m.state = applyLedgerPlan(m.state, plan);
    trackExpired(m, plan);
    accrual.revoked += points;
    await check(m, r);
  }
  toString = () => `revoke(accrual #${this.index}, ${this.percent}%, ${this.policy})`;
}

class Adjust implements fc.AsyncCommand<Model, Real> {
  constructor(readonly points: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    let failed = false;
    let lotId = '';
    try {
      await tx(r, 'model:adjust', async (trx, operationId) => {
        await adjustPoints(
          trx,
          r.ref,
          { points: this.points, reason: 'model', expiresAt: null },
          { operationId, now: m.now },
        );
      });
      if (this.points > 0) {
        const last = await r.db
          .selectFrom('lot')
          .select('id')
          .where('member_id', '=', r.ref.memberId)
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        lotId = last.id;
      }
    } catch (err) {
      expect((err as { code?: string }).code).toBe('insufficient_points');
      failed = true;
    }
    const planned = planAdjustment(m.state, { points: this.points, lotId, expiresAt: null }, m.now);
    expect(failed).toBe(!planned.ok);
    if (planned.ok) m.state = applyLedgerPlan(m.state, planned.plan);
    await check(m, r);
  }
  toString = () => `adjust(${this.points})`;
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly hours: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.now = new Date(m.now.getTime() + this.hours * 3_600_000);
    await createJobRunner({
      db: r.db,
      logger: createLogger({ LOG_LEVEL: 'silent' }),
      jobs: ledgerJobs,
    }).runAll(m.now);
    m.state = applyLedgerPlan(m.state, planActivation(m.state, m.now));
    const expiry = planExpiry(m.state, m.now);
    m.state = applyLedgerPlan(m.state, expiry);
    trackExpired(m, expiry);
    await check(m, r);
  }
  toString = () => `advance(${this.hours}h) + jobs`;
}

const commands = [
  fc
    .tuple(fc.integer({ min: 1, max: 500 }), fc.constantFrom(0, 0, 1, 14), fc.constantFrom(null, 1, 30, 365))
    .map(([p, d, e]) => new Accrue(p, d, e)),
  fc.integer({ min: 1, max: 400 }).map((p) => new Spend(p)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 100 })).map(([i, p]) => new ReturnSpend(i, p)),
  fc
    .tuple(fc.nat(), fc.integer({ min: 1, max: 100 }), fc.constantFrom('debt' as const, 'clamp' as const))
    .map(([i, p, pol]) => new Revoke(i, p, pol)),
  fc
    .integer({ min: -300, max: 300 })
    .filter((p) => p !== 0)
    .map((p) => new Adjust(p)),
  fc.integer({ min: 1, max: 24 * 40 }).map((h) => new Advance(h)),
];

describeEachEngine('ledger model-based test', (engine) => {
  let h: DatabaseHandle;
  let tenantId: string;
  beforeAll(async () => {
    h = await engine.open();
    tenantId = (await seedTenant(h.db)).tenantId;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('random operation sequences keep the database equal to the model and the ledger verified', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        // A fresh member per run, all runs on one database: the jobs also see the other runs' members.
        const model: Model = {
          state: { lots: [], debt: 0 },
          now: new Date('2026-11-01T00:00:00Z'),
          spends: [],
          accruals: [],
          expired: new Map(),
        };
        const real: Real = { db: h.db, ref: walletRef(tenantId), tenantId };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      {
        numRuns: Number(process.env.KOPILKA_MODEL_RUNS ?? 25),
        ...(seed !== undefined ? { seed } : {}),
        ...(path ? { path } : {}),
        endOnFailure: true,
      },
    );
    // The clamp and debt policies mix across runs, so verify under the lenient one.
    expect((await verify(h.db, tenantId, 'debt')).problems).toEqual([]);
  }, 600_000);
});
