import type { Db } from '../../platform/db';
import { inTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { JobDefinition } from '../../platform/jobs';
import { createJobRunner } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { createMember } from '../members/members.service';
import { updateProgram } from '../program/program.service';
import { confirmReceipt } from '../receipts/confirm-receipt.service';
import { refundReceipt } from '../receipts/refund-receipt.service';
import { createRandom, DEMO_FIRST_NAMES, DEMO_LAST_NAMES, DEMO_MENU, DEMO_STORES } from './demo-data';

const DAY = 86_400_000;

export type DemoOptions = {
  db: Db;
  tenantId: string;
  logger: Logger;
  now: Date;
  jobs: readonly JobDefinition[];
  members?: number;
  days?: number;
  seed?: number;
  /** Checked between receipts: stop early (the server is shutting down). */
  shouldStop?: () => boolean;
};

export type DemoSummary = { members: number; receipts: number; refunds: number; spends: number };

/**
 * The demo coffee chain: program settings, members joining over three months, and their receipts
 * and refunds posted through the real confirm and refund paths at the time they happened (as if
 * the tills were online), with the scheduled jobs run day by day. Deterministic for a seed.
 */
export async function loadDemoProgram(opts: DemoOptions): Promise<DemoSummary> {
  await setUpDemoProgram(opts);
  return loadDemoActivity(opts);
}

function demoStart(opts: DemoOptions): Date {
  return new Date(opts.now.getTime() - ((opts.days ?? 90) + 1) * DAY);
}

/** The program settings, effective from the start of the demo period (quick; run before serving). */
export async function setUpDemoProgram(opts: DemoOptions): Promise<void> {
  const start = demoStart(opts);
  await inTransaction(opts.db, (trx) =>
    updateProgram(
      trx,
      { tenantId: opts.tenantId, actorType: 'api_key', actorId: 'demo', role: null, scopes: ['*'] },
      {
        name: 'Кофейня «Зерно»',
        earn: {
          pointsPerUnit: '0.05',
          rounding: 'floor',
          base: 'paid',
          excludedCategories: ['merch'],
          pendingDays: 3,
          expiryDays: 180,
        },
        burn: { maxPercentOfReceipt: 50, excludedCategories: [] },
      },
      { now: start },
    ),
  );
}

/** Members, receipts and refunds of the demo period (seconds to a minute; may run in the background). */
export async function loadDemoActivity(opts: DemoOptions): Promise<DemoSummary> {
  const rnd = createRandom(opts.seed ?? 20261122);
  const days = opts.days ?? 90;
  const memberCount = opts.members ?? 250;
  const start = demoStart(opts);
  const system = { actorType: 'system' as const, actorId: 'demo' };
  const jobs = createJobRunner({ db: opts.db, logger: opts.logger, jobs: opts.jobs });

  // Members join over the first two thirds of the period; a few are regulars (Zipf-like weights).
  const members: { memberId: string; joinedAt: number; weight: number; points: number }[] = [];
  for (let i = 0; i < memberCount; i++) {
    const joinedAt =
      start.getTime() + Math.floor(rnd.next() * ((days * 2) / 3)) * DAY + rnd.int(8, 20) * 3_600_000;
    const first = rnd.pick(DEMO_FIRST_NAMES);
    const female = /[ая]$/.test(first);
    const m = await createMember(
      opts.db,
      {
        tenantId: opts.tenantId,
        actor: system,
        now: new Date(joinedAt),
        source: 'demo',
        consentSource: 'import',
      },
      {
        phone: `+7999000${String(i).padStart(4, '0')}`,
        firstName: first,
        lastName: `${rnd.pick(DEMO_LAST_NAMES)}${female ? 'а' : ''}`,
        birthDate: `${rnd.int(1965, 2004)}-${String(rnd.int(1, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`,
        consents: [{ channel: 'sms', purpose: 'marketing', granted: rnd.next() < 0.6 }],
      },
    );
    members.push({ memberId: m.memberId, joinedAt, weight: 1 / (i + 1) ** 0.8, points: 0 });
  }

  const summary: DemoSummary = { members: members.length, receipts: 0, refunds: 0, spends: 0 };
  const pendingRefunds: { at: number; receiptId: string; lineId: string }[] = [];
  for (let d = 0; d <= days && !opts.shouldStop?.(); d++) {
    const dayStart = start.getTime() + d * DAY;
    const count = rnd.int(8, 14) + (new Date(dayStart).getUTCDay() % 6 === 0 ? 5 : 0);
    const times = Array.from(
      { length: count },
      () => dayStart + rnd.int(5, 18) * 3_600_000 + rnd.int(0, 3599) * 1000,
    ).sort((a, b) => a - b);
    for (const at of times) {
      for (const r of pendingRefunds.filter((p) => p.at <= at)) {
        await inTransaction(opts.db, (trx) =>
          refundReceipt(
            trx,
            opts.tenantId,
            {
              kind: 'refund',
              receiptId: r.receiptId,
              refundId: `${r.receiptId}-rf`,
              lines: [{ lineId: r.lineId, quantity: 1 }],
            },
            new Date(r.at),
          ),
        );
        summary.refunds++;
      }
      pendingRefunds.splice(0, pendingRefunds.length, ...pendingRefunds.filter((p) => p.at > at));

      const joined = members.filter((m) => m.joinedAt <= at);
      const member = joined.length > 0 && rnd.next() < 0.75 ? rnd.weighted(joined) : null;
      const lines = Array.from(
        {
          length: rnd.weighted([
            { n: 1, weight: 5 },
            { n: 2, weight: 3 },
            { n: 3, weight: 1 },
          ]).n,
        },
        (_, i) => {
          const item = rnd.weighted(DEMO_MENU);
          const quantity = item.category === 'coffee' && rnd.next() < 0.15 ? 2 : 1;
          return {
            lineId: String(i + 1),
            sku: item.sku,
            category: item.category,
            quantity,
            amountMinor: item.priceMinor * quantity,
          };
        },
      );
      const amount = lines.reduce((s, l) => s + l.amountMinor, 0);
      const wantSpend =
        member && member.points >= 100 && rnd.next() < 0.35
          ? Math.min(member.points, Math.floor((amount * 0.5) / 100))
          : 0;
      const receiptId = `demo-${new Date(at).toISOString().slice(0, 10)}-${String(summary.receipts).padStart(5, '0')}`;
      const body = {
        receiptId,
        occurredAt: new Date(at).toISOString(),
        storeId: rnd.pick(DEMO_STORES),
        terminalId: `till-${rnd.int(1, 3)}`,
        ...(member ? { member: { memberId: member.memberId } } : {}),
        lines,
        pointsToSpend: wantSpend,
      };
      const confirm = (pointsToSpend: number) =>
        inTransaction(opts.db, (trx) =>
          confirmReceipt(trx, opts.tenantId, { ...body, pointsToSpend }, new Date(at + 30_000)),
        );
      let result: Awaited<ReturnType<typeof confirm>>;
      try {
        result = await confirm(wantSpend);
        if (wantSpend > 0) summary.spends++;
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 422) throw err;
        result = await confirm(0); // the estimate was off (pending points); pay in money
      }
      summary.receipts++;
      if (member && result.body.balance) member.points = result.body.balance.available;
      if (rnd.next() < 0.03) pendingRefunds.push({ at: at + rnd.int(1, 3) * DAY, receiptId, lineId: '1' });
    }
    await jobs.runAll(new Date(dayStart + DAY));
  }
  await jobs.runAll(opts.now);
  opts.logger.info(summary, 'demo program loaded');
  return summary;
}
