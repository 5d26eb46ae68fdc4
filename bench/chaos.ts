/**
 * `npm run chaos` — crash harness: confirms, spends and refunds from several connections while the
 * server is killed with SIGKILL or PostgreSQL is restarted mid-load; then proves that every
 * acknowledged operation is there exactly once, nothing half-done exists, and the ledger verifies.
 *
 *   npm run chaos                       # 20 runs, random seed (printed)
 *   npm run chaos -- --runs 30 --seed 1234 --workers 8
 *   npm run chaos -- --faults pg --runs 6            # only PostgreSQL restarts (or --faults server)
 *   npm run chaos -- --pg-url postgres://postgres@127.0.0.1:5432/postgres --pg-restart-cmd "pg_ctlcluster 15 main restart"
 *
 * Each run: load for a while, one fault (kill -9 of the server, then a restart; or a PostgreSQL
 * restart — fast or immediate — with the server left running), more load, then every request whose
 * outcome the client never learned (connection reset, timeout, 5xx) is retried with the same
 * receiptId/refundId until it is answered, as a till would. Then the checks below; any failure
 * makes the exit code 1. Writes bench/results/chaos.json (`--out name` for another file).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { DATA_ROOT, ensureDataset } from './lib/dataset';
import { externalPg, type PgTarget, query, startPrivatePg } from './lib/pg';
import { api, type KopilkaServer, startKopilka } from './lib/server';
import { sourceTree } from './lib/tree';
import { BENCH_DIR, gitCommit, log, machineInfo, parseArgs, type Rng, rng, round, sleep } from './lib/util';

const args = parseArgs(process.argv.slice(2));
const opt = (name: string, dflt: string) => (typeof args[name] === 'string' ? (args[name] as string) : dflt);
const seed = Number(opt('seed', String(Math.floor(Math.random() * 2 ** 31))));
const runs = Number(opt('runs', '20'));
const workers = Number(opt('workers', '6'));
const port = Number(opt('port', '18280'));
const source = opt('source', 'worktree');
const outName = opt('out', 'chaos');

type Kind = 'confirm' | 'spend' | 'refund';
type Op = {
  kind: Kind;
  key: string; // receiptId for confirms, refundId for refunds
  receiptId: string;
  path: string;
  body: Record<string, unknown>;
  status?: number;
  response?: unknown;
  outcome: 'acked' | 'rejected' | 'unknown';
  attempts: number;
};

type RunReport = {
  run: number;
  seed: number;
  fault: string;
  sent: number;
  acked: { confirm: number; spend: number; refund: number };
  rejected: number;
  inDoubtResolved: number;
  lost: number;
  duplicated: number;
  replayMismatch: number;
  partial: number;
  unexpected: number;
  ledgerOk: boolean;
  /** times the server process died by itself (e.g. on a PostgreSQL restart) and was restarted */
  serverCrashes: number;
  problems: string[];
  seconds: number;
};

const isBusinessRejection = (status: number) =>
  status >= 400 && status < 500 && status !== 408 && status !== 429;

async function send(baseUrl: string, op: Op, timeoutMs = 10_000): Promise<void> {
  op.attempts++;
  try {
    const r = await api(baseUrl, 'POST', op.path, op.body, {}, timeoutMs);
    if (r.status >= 200 && r.status < 300) {
      op.outcome = 'acked';
      op.status = r.status;
      op.response = r.body;
    } else if (isBusinessRejection(r.status)) {
      op.outcome = 'rejected';
      op.status = r.status;
      op.response = r.body;
    } else {
      op.outcome = 'unknown';
      op.status = r.status;
    }
  } catch {
    op.outcome = 'unknown';
    op.status = 0;
  }
}

function lines(r: Rng) {
  const n = r.int(1, 3);
  return Array.from({ length: n }, (_, i) => ({
    lineId: String(i + 1),
    sku: `SKU-${String(r.int(1, 600)).padStart(4, '0')}`,
    category: 'coffee',
    quantity: r.int(1, 3),
    amountMinor: r.int(39, 2500) * 100 + 90,
  }));
}

async function chaosRun(ctx: {
  runNo: number;
  runSeed: number;
  target: PgTarget;
  url: string;
  server: { current: KopilkaServer };
  startServer: () => Promise<KopilkaServer>;
  members: number;
  rich: number;
}): Promise<RunReport> {
  const started = Date.now();
  const r = rng(ctx.runSeed);
  const prefix = `c${ctx.runSeed.toString(36)}`;
  const ops: Op[] = [];
  const confirmed: Op[] = []; // acked confirms not yet refunded, candidates for refunds
  let stop = false;
  let counter = 0;
  const problems: string[] = [];
  const pgOnly = args.faults === 'pg';
  const serverOnly = args.faults === 'server';
  const faultKind =
    serverOnly || (!pgOnly && r.next() < 0.5)
      ? 'kill -9 server'
      : r.next() < 0.5
        ? 'restart postgres (fast)'
        : 'restart postgres (immediate)';
  let crashes = 0;
  let restarting: Promise<void> | null = null;
  let faultInProgress = false;
  // A supervisor's job: if the server died by itself (not our SIGKILL), count it and start it again.
  const ensureAlive = async () => {
    if (
      faultInProgress ||
      (ctx.server.current.child.exitCode === null && ctx.server.current.child.signalCode === null)
    )
      return;
    restarting ??= (async () => {
      crashes++;
      problems.push(
        `server exited by itself (code ${ctx.server.current.child.exitCode}) during "${faultKind}"; restarted`,
      );
      ctx.server.current = await ctx.startServer();
    })().finally(() => {
      restarting = null;
    });
    await restarting;
  };

  const worker = async (w: number) => {
    const wr = rng(ctx.runSeed * 31 + w);
    while (!stop) {
      const x = wr.next();
      let op: Op;
      const receiptNo = ++counter;
      if (x < 0.25 && confirmed.length > 0) {
        const target = confirmed.splice(wr.int(0, confirmed.length - 1), 1)[0]!;
        const refundId = `${prefix}-rf${receiptNo}`;
        const partial = wr.next() < 0.5;
        op = {
          kind: 'refund',
          key: refundId,
          receiptId: target.receiptId,
          path: `/v1/receipts/${target.receiptId}/refund`,
          body: partial ? { refundId, lines: [{ lineId: '1', quantity: 1 }] } : { refundId },
          outcome: 'unknown',
          attempts: 0,
        };
      } else {
        const spend = x < 0.45;
        const receiptId = `${prefix}-r${receiptNo}`;
        op = {
          kind: spend ? 'spend' : 'confirm',
          key: receiptId,
          receiptId,
          path: '/v1/receipts/confirm',
          body: {
            receiptId,
            storeId: `store-${String(wr.int(1, 60)).padStart(3, '0')}`,
            member: { memberId: `mbr_b${spend ? wr.int(1, ctx.rich) : wr.int(1, ctx.members)}` },
            lines: lines(wr),
            pointsToSpend: spend ? wr.int(1, 5) : 0,
          },
          outcome: 'unknown',
          attempts: 0,
        };
      }
      ops.push(op);
      await send(ctx.server.current.baseUrl, op);
      if (op.outcome === 'acked' && op.kind !== 'refund') confirmed.push(op);
      if (op.outcome === 'unknown') {
        // A till whose request failed waits for the service to answer again before the next sale.
        await sleep(50 + wr.int(0, 100));
        await ensureAlive();
        await waitHealthy();
      }
    }
  };
  const waitHealthy = async () => {
    for (let i = 0; i < 150 && !stop; i++) {
      try {
        const h = await api(ctx.server.current.baseUrl, 'GET', '/readyz', undefined, {}, 2000);
        if (h.status === 200) return;
      } catch {}
      await sleep(200);
    }
  };

  // Load, with the fault in the middle of it.
  stop = false;
  const running = Array.from({ length: workers }, (_, w) => worker(w));
  await sleep(r.int(2000, 5000));
  if (faultKind === 'kill -9 server') {
    faultInProgress = true;
    await ctx.server.current.kill9();
    await sleep(r.int(100, 1200));
    ctx.server.current = await ctx.startServer();
    faultInProgress = false;
  } else {
    await ctx.target.restart(faultKind.includes('immediate') ? 'immediate' : 'fast');
    await sleep(300);
    await ensureAlive();
  }
  await waitHealthy();
  await sleep(r.int(2000, 4000));
  stop = true;
  await Promise.all(running);

  // Every request the client never heard back from: retry with the same key until answered.
  await ensureAlive();
  const inDoubt = ops.filter((o) => o.outcome === 'unknown');
  for (const op of inDoubt) {
    for (let i = 0; i < 40 && op.outcome === 'unknown'; i++) {
      await send(ctx.server.current.baseUrl, op, 30_000);
      if (op.outcome === 'unknown') {
        await sleep(250);
        await ensureAlive();
      }
    }
    if (op.outcome === 'unknown')
      problems.push(`${op.kind} ${op.key} never answered after ${op.attempts} attempts`);
  }

  // 1. Replays: each acknowledged operation answers again with exactly its stored response.
  const acked = ops.filter((o) => o.outcome === 'acked');
  let replayMismatch = 0;
  for (const op of acked) {
    const again = await api(ctx.server.current.baseUrl, 'POST', op.path, op.body, {}, 30_000);
    if (again.status !== op.status || !isDeepStrictEqual(again.body, op.response)) {
      replayMismatch++;
      if (problems.length < 20)
        problems.push(
          `replay of ${op.kind} ${op.key}: ${again.status} ${JSON.stringify(again.body).slice(0, 200)}`,
        );
    }
  }

  // 2. Exactly once in the database; rejected requests left nothing behind.
  const ackedConfirms = acked.filter((o) => o.kind !== 'refund');
  const ackedRefunds = acked.filter((o) => o.kind === 'refund');
  const rejected = ops.filter((o) => o.outcome === 'rejected');
  const like = `${prefix}-%`;
  const receipts = new Map(
    (
      await query<{ id: string; n: string }>(
        ctx.url,
        `select id, count(*)::text as n from receipt where id like $1 group by id`,
        [like],
      )
    ).map((x) => [x.id, Number(x.n)]),
  );
  const events = new Map(
    (
      await query<{ id: string; n: string }>(
        ctx.url,
        `select payload->>'receiptId' as id, count(*)::text as n from event_outbox where type = 'receipt.confirmed' and payload->>'receiptId' like $1 group by 1`,
        [like],
      )
    ).map((x) => [x.id, Number(x.n)]),
  );
  const accruals = new Map(
    (
      await query<{ id: string; n: string }>(
        ctx.url,
        `select receipt_id as id, count(*)::text as n from ledger_entry where kind = 'accrue' and receipt_id like $1 group by 1`,
        [like],
      )
    ).map((x) => [x.id, Number(x.n)]),
  );
  const refunds = new Map(
    (
      await query<{ id: string; n: string }>(
        ctx.url,
        `select id, count(*)::text as n from receipt_refund where id like $1 group by id`,
        [like],
      )
    ).map((x) => [x.id, Number(x.n)]),
  );
  let lost = 0;
  let duplicated = 0;
  for (const op of ackedConfirms) {
    const n = receipts.get(op.receiptId) ?? 0;
    const e = events.get(op.receiptId) ?? 0;
    const a = accruals.get(op.receiptId) ?? 0;
    const earned = (op.response as { totals?: { pointsEarned?: number } }).totals?.pointsEarned ?? 0;
    if (n === 0) lost++;
    if (n > 1 || e > 1 || a > 1) duplicated++;
    if (n === 1 && (e !== 1 || (earned > 0 && a !== 1)))
      problems.push(`receipt ${op.receiptId}: ${e} confirm events, ${a} accrual entries (earned ${earned})`);
  }
  for (const op of ackedRefunds) {
    const n = refunds.get(op.key) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated++;
  }
  let unexpected = 0;
  const ackedIds = new Set([...ackedConfirms.map((o) => o.receiptId), ...ackedRefunds.map((o) => o.key)]);
  for (const id of [...receipts.keys(), ...refunds.keys()]) {
    if (!ackedIds.has(id)) {
      unexpected++;
      if (problems.length < 20) problems.push(`${id} is in the database but was never acknowledged`);
    }
  }
  for (const op of rejected) {
    if (receipts.has(op.key) && op.kind !== 'refund')
      problems.push(`rejected ${op.kind} ${op.key} (${op.status}) left a receipt`);
  }

  // 3. No partial operation anywhere: every operation has its response; every ledger row its operation.
  const [partialRow] = await query<{
    open_ops: string;
    orphan_postings: string;
    orphan_lots: string;
    orphan_receipts: string;
    orphan_entries: string;
  }>(
    ctx.url,
    `select
       (select count(*) from operation where response_status is null)::text as open_ops,
       (select count(*) from posting p where not exists (select 1 from operation o where o.id = p.operation_id))::text as orphan_postings,
       (select count(*) from lot l where not exists (select 1 from operation o where o.id = l.operation_id))::text as orphan_lots,
       (select count(*) from receipt r where not exists (select 1 from operation o where o.id = r.operation_id))::text as orphan_receipts,
       (select count(*) from ledger_entry e where not exists (select 1 from operation o where o.id = e.operation_id))::text as orphan_entries`,
  );
  const partial = Object.values(partialRow ?? {}).reduce((a, v) => a + Number(v), 0);
  if (partial > 0) problems.push(`partial operations: ${JSON.stringify(partialRow)}`);

  // 4. The ledger's own proof.
  const verify = await api<{ ok: boolean; problems: unknown[] }>(
    ctx.server.current.baseUrl,
    'GET',
    '/v1/admin/ledger/verify',
    undefined,
    {},
    300_000,
  );
  const ledgerOk = verify.status === 200 && verify.body.ok === true;
  if (!ledgerOk)
    problems.push(`ledger verify: ${verify.status} ${JSON.stringify(verify.body).slice(0, 500)}`);

  return {
    run: ctx.runNo,
    seed: ctx.runSeed,
    fault: faultKind,
    sent: ops.length,
    acked: {
      confirm: acked.filter((o) => o.kind === 'confirm').length,
      spend: acked.filter((o) => o.kind === 'spend').length,
      refund: ackedRefunds.length,
    },
    rejected: rejected.length,
    inDoubtResolved: inDoubt.filter((o) => o.outcome !== 'unknown').length,
    lost,
    duplicated,
    replayMismatch,
    partial,
    unexpected,
    ledgerOk,
    serverCrashes: crashes,
    problems: problems.filter((p) => !p.startsWith('server exited by itself')),
    seconds: round((Date.now() - started) / 1000, 1),
  };
}

async function main() {
  log(`chaos: seed ${seed}, ${runs} runs, ${workers} connections`);
  const tree = sourceTree(source);
  const target: PgTarget =
    typeof args['pg-url'] === 'string'
      ? externalPg(
          args['pg-url'] as string,
          typeof args['pg-restart-cmd'] === 'string' ? (args['pg-restart-cmd'] as string) : undefined,
        )
      : await startPrivatePg({
          dataDir: opt('pg-data', `${DATA_ROOT}/pg`),
          port: Number(opt('pg-port', '5499')),
        });
  // A small program with history (1k members), so spends and refunds have something to work on.
  const ds = await ensureDataset(target, {
    scale: '1k',
    seed: 7,
    fresh: true,
    port: port + 1,
    cwd: tree.dir,
    tree: tree.label,
  });
  const logFile = `${DATA_ROOT}/logs/chaos-server.log`;
  const startServer = () => startKopilka({ port, databaseUrl: ds.url, logFile, cwd: tree.dir });
  const server = { current: await startServer() };
  const reports: RunReport[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const runSeed = (seed + i * 7919) >>> 0;
      const rep = await chaosRun({
        runNo: i,
        runSeed,
        target,
        url: ds.url,
        server,
        startServer,
        members: ds.meta.members,
        rich: Math.max(1, ds.meta.richMax),
      });
      reports.push(rep);
      log(
        `run ${String(i).padStart(2)} seed ${rep.seed} ${rep.fault.padEnd(28)} sent ${rep.sent} acked ${rep.acked.confirm}+${rep.acked.spend}+${rep.acked.refund} rejected ${rep.rejected} in-doubt ${rep.inDoubtResolved} | lost ${rep.lost} dup ${rep.duplicated} replay≠ ${rep.replayMismatch} partial ${rep.partial} unexpected ${rep.unexpected} ledger ${rep.ledgerOk ? 'ok' : 'FAIL'}${rep.serverCrashes ? ` | server crashed ${rep.serverCrashes}x` : ''}`,
      );
      for (const p of rep.problems.slice(0, 5)) log(`    ${p}`);
    }
  } finally {
    await server.current.stop();
  }
  const sum = (f: (r: RunReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  const totals = {
    runs: reports.length,
    faults: Object.fromEntries(
      [...new Set(reports.map((r) => r.fault))].map((f) => [f, reports.filter((r) => r.fault === f).length]),
    ),
    sent: sum((r) => r.sent),
    acknowledged: sum((r) => r.acked.confirm + r.acked.spend + r.acked.refund),
    acknowledgedConfirms: sum((r) => r.acked.confirm),
    acknowledgedSpends: sum((r) => r.acked.spend),
    acknowledgedRefunds: sum((r) => r.acked.refund),
    rejected: sum((r) => r.rejected),
    inDoubtResolved: sum((r) => r.inDoubtResolved),
    lost: sum((r) => r.lost),
    duplicated: sum((r) => r.duplicated),
    replayMismatch: sum((r) => r.replayMismatch),
    partial: sum((r) => r.partial),
    unexpected: sum((r) => r.unexpected),
    ledgerFailures: reports.filter((r) => !r.ledgerOk).length,
    runsWithProblems: reports.filter((r) => r.problems.length > 0).length,
    serverCrashes: sum((r) => r.serverCrashes),
  };
  const ok =
    totals.lost === 0 &&
    totals.duplicated === 0 &&
    totals.replayMismatch === 0 &&
    totals.partial === 0 &&
    totals.unexpected === 0 &&
    totals.ledgerFailures === 0 &&
    totals.runsWithProblems === 0;
  mkdirSync(`${BENCH_DIR}/results`, { recursive: true });
  writeFileSync(
    `${BENCH_DIR}/results/${outName}.json`,
    `${JSON.stringify({ date: new Date().toISOString(), commit: gitCommit(), tree: tree.label, machine: machineInfo(), seed, workers, ok, totals, runs: reports }, null, 2)}\n`,
  );
  process.stdout.write(
    `\nchaos seed ${seed}: ${totals.runs} runs (${Object.entries(totals.faults)
      .map(([k, v]) => `${v}× ${k}`)
      .join(', ')})\n` +
      `  sent ${totals.sent}, acknowledged ${totals.acknowledged} (confirms ${totals.acknowledgedConfirms}, spends ${totals.acknowledgedSpends}, refunds ${totals.acknowledgedRefunds}), rejected ${totals.rejected}, in-doubt resolved by retry ${totals.inDoubtResolved}\n` +
      `  lost ${totals.lost}, duplicated ${totals.duplicated}, replay mismatches ${totals.replayMismatch}, partial operations ${totals.partial}, unacknowledged in db ${totals.unexpected}, ledger verify failures ${totals.ledgerFailures}\n` +
      `  server crashes by itself (restarted as a supervisor would): ${totals.serverCrashes}\n` +
      `  ${ok ? 'PASS' : 'FAIL'}\n`,
  );
  if (!ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
