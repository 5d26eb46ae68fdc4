/**
 * `npm run bench` — Kopilka's POS path against the physical limit of the same PostgreSQL.
 *
 *   npm run bench                      # full run: 100k members for load, 1M for batch jobs
 *   npm run bench -- --quick           # 10k members, short runs, no 1M batch (a few minutes)
 *   npm run bench -- --only ratio,pglite --duration 20 --source head
 *
 * Prints a summary and writes bench/results/<name>.json (default latest.json). See bench/README.md.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type DatasetMeta, SCALES } from './datagen';
import { prepareEmbeddedData } from './lib/bench-members';
import { DATA_ROOT, ensureDataset, saveMeta } from './lib/dataset';
import { currentSettings, externalPg, type PgTarget, postmasterPid, query, startPrivatePg } from './lib/pg';
import { type PgbenchResult, runPgbench } from './lib/pgbench';
import { stageTimes } from './lib/profile';
import { BENCH_API_KEY, type KopilkaServer, startKopilka } from './lib/server';
import { sourceTree } from './lib/tree';
import {
  BENCH_DIR,
  cpuSeconds,
  gitCommit,
  loadAverage,
  log,
  machineInfo,
  parseArgs,
  round,
  rssMiB,
  run,
  sampleRss,
  sleep,
  treeCpuSeconds,
} from './lib/util';
import { runWrk, type WrkOptions, type WrkResult } from './lib/wrk';
import { sqlFloor } from './sql-floor';

const args = parseArgs(process.argv.slice(2));
const quick = args.quick === true;
const opt = (name: string, dflt: string) => (typeof args[name] === 'string' ? (args[name] as string) : dflt);
const config = {
  scale: opt('scale', quick ? '10k' : '100k'),
  batchScale: opt('batch-scale', quick ? 'none' : '1m'),
  seed: Number(opt('seed', '42')),
  durationS: Number(opt('duration', quick ? '6' : '15')),
  warmupS: Number(opt('warmup', quick ? '2' : '4')),
  connections: opt('connections', '1,8,32,128').split(',').map(Number),
  repeat: Number(opt('repeat', '1')),
  source: opt('source', 'worktree'),
  pgPort: Number(opt('pg-port', '5499')),
  pgData: opt('pg-data', `${DATA_ROOT}/pg`),
  pgUrl: typeof args['pg-url'] === 'string' ? (args['pg-url'] as string) : null,
  port: Number(opt('port', '18180')),
  poolSize: typeof args.pool === 'string' ? Number(args.pool) : undefined,
  out: opt('out', 'latest'),
  fresh: args.fresh === true,
  profile: args.profile === true,
  /** also run the pre-ADR-0006 15-statement pgbench script at each ratio point */
  legacyPgbench: args['legacy-pgbench'] === true,
  batchMaxS: Number(opt('batch-max-s', '600')),
  /** the server from its TypeScript sources through tsx instead of the prebuilt bundle `npm start` runs */
  tsx: args.tsx === true,
  phases: new Set(
    (typeof args.only === 'string' ? args.only : 'ratio,floor,calculate,mix,overload,pglite,batch,others')
      .split(',')
      .filter((p) => !(typeof args.skip === 'string' && args.skip.split(',').includes(p))),
  ),
};

if (config.tsx) process.env.BENCH_SERVER = 'tsx';

type CpuPerOp = { serverMs: number; postgresMs: number; driverMs: number; totalMs: number };
type RatioPoint = {
  connections: number;
  kopilka: WrkResult & { cpuPerOp: CpuPerOp; rssPeakMiB: number | null; load: number[] };
  pgbench: PgbenchResult & {
    cpuPerOp: { postgresMs: number; driverMs: number; totalMs: number };
    load: number[];
  };
  ratio: number;
  /** the server's shape before ADR 0006 (bench/pgbench/confirm-15.sql), with --legacy-pgbench */
  pgbench15?: PgbenchResult & { cpuPerOp: { postgresMs: number; driverMs: number; totalMs: number } };
  /** pgbench's CPU per transaction ÷ kopilka's CPU per confirm (server + PostgreSQL + driver): the throughput ratio on two otherwise idle cores */
  cpuRatio: number;
};

const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  commit: gitCommit(),
  machine: machineInfo(),
  config: { ...config, phases: [...config.phases] },
  loadAverageAtStart: loadAverage(),
};

async function main() {
  if (!existsSync('/usr/bin/wrk') && (await run('which', ['wrk'], { check: false })).code !== 0) {
    // A fresh machine: wrk comes from Debian's packages (root can install it; others are told how).
    log('wrk is not installed: apt-get install -y wrk');
    const apt = await run('apt-get', ['install', '-y', 'wrk'], { check: false, timeoutMs: 300_000 }).catch(
      () => ({ code: 1 }),
    );
    if (apt.code !== 0)
      throw new Error('wrk is not installed and could not be installed: apt-get install -y wrk');
  }
  const tree = sourceTree(config.source);
  results.source = { requested: config.source, tree: tree.label, dir: tree.dir };
  const target: PgTarget = config.pgUrl
    ? externalPg(config.pgUrl)
    : await startPrivatePg({ dataDir: config.pgData, port: config.pgPort });
  const pmPid = target.privateInstance ? postmasterPid(config.pgData) : null;
  results.postgres = {
    private: target.privateInstance,
    port: target.port,
    version: (await query<{ v: string }>(target.adminUrl, 'select version() as v'))[0]?.v,
    settings: await currentSettings(target.adminUrl, [
      'synchronous_commit',
      'fsync',
      'shared_buffers',
      'wal_sync_method',
      'max_connections',
      'full_page_writes',
      'wal_level',
    ]),
  };
  const pgCpu = () => (pmPid ? treeCpuSeconds(pmPid) : 0);

  const needLoad = ['ratio', 'floor', 'calculate', 'mix', 'overload'].some((p) => config.phases.has(p));
  if (needLoad) {
    const ds = await ensureDataset(target, {
      scale: config.scale,
      seed: config.seed,
      fresh: config.fresh,
      port: config.port + 50,
      cwd: tree.dir,
      tree: tree.label,
    });
    results.dataset = ds.meta;
    await query(ds.url, 'create extension if not exists pg_stat_statements');
    await loadPhases(target, ds.url, ds.meta, tree.dir, pgCpu);
    saveMeta(ds.meta);
    if (config.phases.has('floor')) {
      // The same SQL from plain node-postgres: what the server's own code adds on top of the driver.
      const vars = await pgbenchVars(ds.url, ds.meta);
      const floor = [];
      for (const shape of ['server', 'folded'] as const) {
        log(`SQL floor from Node (no HTTP/Kysely/domain), ${shape} shape, 8 clients`);
        const r = await sqlFloor({
          url: ds.url,
          clients: 8,
          durationS: config.durationS,
          shape,
          vars: {
            tenant: vars.tenant!,
            issued: vars.issued!,
            body: vars.body!,
            event: vars.event!,
            earn: vars.earn!,
            coupons: vars.coupons!,
            members: ds.meta.members,
          },
          ...(target.privateInstance ? { pgDataDir: config.pgData } : {}),
        });
        log(
          `  ${r.tps} tx/s p50 ${r.latencyMs.p50} ms, cpu/op node ${r.cpuPerOp.nodeMs} ms + postgres ${r.cpuPerOp.postgresMs} ms`,
        );
        floor.push(r);
      }
      results.floor = floor;
    }
  }
  if (config.phases.has('pglite')) results.pglite = await pglitePhase(tree.dir);
  if (config.phases.has('batch') && config.batchScale !== 'none')
    results.batch = await batchPhase(target, tree);
  if (config.phases.has('others') && config.batchScale !== 'none') results.others = await othersPhase(target);

  results.finishedAt = new Date().toISOString();
  results.loadAverageAtEnd = loadAverage();
  mkdirSync(`${BENCH_DIR}/results`, { recursive: true });
  const file = `${BENCH_DIR}/results/${config.out}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  printSummary();
  log(`results written to ${file}`);
}

function wrkBase(
  baseUrl: string,
  meta: DatasetMeta,
): Omit<WrkOptions, 'mode' | 'connections' | 'durationS' | 'runId'> {
  return { baseUrl, apiKey: BENCH_API_KEY, members: meta.members, rich: meta.richMax };
}

let runCounter = 0;
const runId = () => `${Date.now().toString(36)}${(runCounter++).toString(36)}`;

async function measureKopilka(
  server: KopilkaServer,
  meta: DatasetMeta,
  mode: WrkOptions['mode'],
  connections: number,
  pgCpu: () => number,
  extra: Partial<WrkOptions> = {},
) {
  // Warm-up (JIT, caches) without leaving a backlog behind: at most 32 connections, and only 8 before a paced run.
  await runWrk({
    ...wrkBase(server.baseUrl, meta),
    mode: mode === 'mix' ? 'confirm' : mode,
    connections: extra.rate ? 8 : Math.min(connections, 32),
    durationS: config.warmupS,
    runId: runId(),
  });
  await sleep(500);
  const load = loadAverage();
  const rss = sampleRss(server.pid);
  const s0 = cpuSeconds(server.pid);
  const p0 = pgCpu();
  const r = await runWrk({
    ...wrkBase(server.baseUrl, meta),
    mode,
    connections,
    durationS: config.durationS,
    runId: runId(),
    ...extra,
  });
  const s1 = cpuSeconds(server.pid);
  const p1 = pgCpu();
  const done = Math.max(1, r.requests);
  return {
    ...r,
    cpuPerOp: {
      serverMs: round(((s1 - s0) * 1000) / done, 2),
      postgresMs: round(((p1 - p0) * 1000) / done, 2),
      driverMs: round((r.driverCpuS * 1000) / done, 2),
      totalMs: round(((s1 - s0 + p1 - p0 + r.driverCpuS) * 1000) / done, 2),
    },
    rssPeakMiB: rss.stop().peakMiB,
    load,
  };
}

async function pgbenchVars(url: string, meta: DatasetMeta): Promise<Record<string, string>> {
  // Payloads of the same size as the server's: taken from a receipt it confirmed in this data set.
  const [op] = await query<{ body: unknown; key: string }>(
    url,
    `select response_body as body, key from operation where scope = 'receipt.confirm' and key like 'b-%' and response_body is not null order by created_at desc limit 1`,
  );
  const [ev] = await query<{ payload: unknown }>(
    url,
    `select payload from event_outbox where type = 'receipt.confirmed' order by id desc limit 1`,
  );
  const [issued] = await query<{ id: string }>(
    url,
    `select id from account where tenant_id = $1 and member_id is null and currency = 'points' and kind = 'issued'`,
    [meta.tenantId],
  );
  const now = new Date();
  return {
    tenant: meta.tenantId,
    members: String(meta.members),
    issued: issued?.id ?? 'acc_prog_issued',
    hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    body: JSON.stringify(op?.body ?? { receiptId: 'x' }),
    event: JSON.stringify(ev?.payload ?? { receiptId: 'x' }),
    earn: JSON.stringify({
      points: 27,
      activatesAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
    }),
    coupons: JSON.stringify({ applied: [], unused: [] }),
    ts: now.toISOString(),
    exp: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
  };
}

async function measurePgbench(
  url: string,
  vars: Record<string, string>,
  clients: number,
  pgCpu: () => number,
  script = 'confirm.sql',
) {
  const load = loadAverage();
  const p0 = pgCpu();
  const r = await runPgbench({
    url,
    script,
    clients,
    durationS: config.durationS,
    vars: { ...vars, ts: new Date().toISOString() },
    logDir: `${DATA_ROOT}/pgbench-logs`,
  });
  const p1 = pgCpu();
  const n = Math.max(1, r.transactions);
  return {
    ...r,
    cpuPerOp: {
      postgresMs: round(((p1 - p0) * 1000) / n, 2),
      driverMs: round((r.driverCpuS * 1000) / n, 2),
      totalMs: round(((p1 - p0 + r.driverCpuS) * 1000) / n, 2),
    },
    load,
  };
}

async function statementsPerConfirm(url: string, confirms: number) {
  const rows = await query<{ calls: string; q: string }>(
    url,
    `select calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as q from pg_stat_statements
     where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_statements%' order by calls desc`,
  );
  const total = rows.reduce((a, r) => a + Number(r.calls), 0);
  return {
    perConfirm: round(total / Math.max(1, confirms), 2),
    top: rows
      .slice(0, 20)
      .map((r) => ({ perConfirm: round(Number(r.calls) / Math.max(1, confirms), 2), query: r.q })),
  };
}

async function loadPhases(
  target: PgTarget,
  url: string,
  meta: DatasetMeta,
  cwd: string,
  pgCpu: () => number,
) {
  const logFile = `${DATA_ROOT}/logs/server-${config.out}.log`;
  const profDir = `${DATA_ROOT}/profiles`;
  const server = await startKopilka({
    port: config.port,
    databaseUrl: url,
    logFile,
    cwd,
    ...(config.poolSize ? { poolSize: config.poolSize } : {}),
  });
  log(
    `kopilka (pid ${server.pid}) on ${server.baseUrl}, PostgreSQL ${target.port}, data set ${meta.database}`,
  );
  const rssAll = sampleRss(server.pid, 500);
  const rssIdle = rssMiB(server.pid);
  try {
    if (config.phases.has('ratio')) {
      const vars = await pgbenchVars(url, meta);
      // A first confirm run fills the payload sizes the pgbench script copies.
      if (!(await query(url, `select 1 from operation where key like 'b-%' limit 1`)).length) {
        await runWrk({
          ...wrkBase(server.baseUrl, meta),
          mode: 'confirm',
          connections: 2,
          durationS: 2,
          runId: runId(),
        });
        Object.assign(vars, await pgbenchVars(url, meta));
      }
      const points: RatioPoint[] = [];
      for (let rep = 0; rep < config.repeat; rep++) {
        for (const c of config.connections) {
          log(`confirm throughput: ${c} connection(s), kopilka then pgbench (${config.durationS} s each)`);
          const k = await measureKopilka(server, meta, 'confirm', c, pgCpu);
          const p = await measurePgbench(url, vars, c, pgCpu);
          const ratio = round(k.okPerSec / p.tps, 3);
          const cpuRatio = round(p.cpuPerOp.totalMs / k.cpuPerOp.totalMs, 3);
          log(
            `  kopilka ${k.okPerSec}/s p50 ${k.latencyMs.p50} p99 ${k.latencyMs.p99} ms, cpu/op ${k.cpuPerOp.totalMs} ms | pgbench ${p.tps} tps p50 ${p.latencyMs.p50} p99 ${p.latencyMs.p99} ms, cpu/op ${p.cpuPerOp.totalMs} ms | ratio ${ratio}, cpu ratio ${cpuRatio} | load ${k.load[0]}`,
          );
          const point: RatioPoint = { connections: c, kopilka: k, pgbench: p, ratio, cpuRatio };
          if (config.legacyPgbench) {
            point.pgbench15 = await measurePgbench(url, vars, c, pgCpu, 'confirm-15.sql');
            log(
              `  pgbench, the 15-statement shape before ADR 0006: ${point.pgbench15.tps} tps, cpu/op ${point.pgbench15.cpuPerOp.totalMs} ms`,
            );
          }
          points.push(point);
        }
      }
      results.ratio = points;
      // The same shape, checked: statements per confirm (kopilka) and per transaction (pgbench).
      await query(url, 'select pg_stat_statements_reset()');
      const k = await runWrk({
        ...wrkBase(server.baseUrl, meta),
        mode: 'confirm',
        connections: 4,
        durationS: 3,
        runId: runId(),
      });
      const kShape = await statementsPerConfirm(url, k.requests);
      await query(url, 'select pg_stat_statements_reset()');
      const p = await runPgbench({
        url,
        script: 'confirm.sql',
        clients: 4,
        durationS: 3,
        vars,
        logDir: `${DATA_ROOT}/pgbench-logs`,
      });
      const pShape = await statementsPerConfirm(url, p.transactions);
      results.shape = { kopilka: kShape, pgbench: pShape };
      log(`  statements per confirm: kopilka ${kShape.perConfirm}, pgbench ${pShape.perConfirm}`);
    }
    if (config.phases.has('calculate')) {
      const calc: unknown[] = [];
      for (const c of [1, 8, 32]) {
        log(`calculate latency: ${c} connection(s)`);
        const r = await measureKopilka(server, meta, 'calculate', c, pgCpu);
        log(`  ${r.okPerSec}/s p50 ${r.latencyMs.p50} p95 ${r.latencyMs.p95} p99 ${r.latencyMs.p99} ms`);
        calc.push(r);
      }
      results.calculate = {
        campaigns: 0,
        note: 'campaigns are not in the schema yet (issue 5): 0 active campaigns',
        points: calc,
      };
    }
    if (config.phases.has('mix')) {
      const c = 32;
      const span = 40_000;
      const from = meta.refundCursor;
      const to = Math.min(meta.receipts, from + span - 1);
      meta.refundCursor = to + 1;
      log(`refund mix (70 % earn, 15 % spend 1-5 points, 15 % refund of a past receipt), ${c} connections`);
      const r = await measureKopilka(server, meta, 'mix', c, pgCpu, {
        refundFrom: from,
        refundTo: to,
        refundTotal: meta.receipts,
      });
      log(
        `  ${r.okPerSec}/s p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms, statuses ${JSON.stringify(r.status)}`,
      );
      results.mix = r;
    }
    if (config.phases.has('overload')) results.overload = await overloadPhase(server, meta, pgCpu);
    if (config.profile) {
      log('profiling the server under confirm load (8 connections)');
      await server.stop();
      rmSync(profDir, { recursive: true, force: true });
      const started = Date.now();
      const prof = await startKopilka({
        port: config.port,
        databaseUrl: url,
        logFile,
        cwd,
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      });
      await runWrk({
        ...wrkBase(prof.baseUrl, meta),
        mode: 'confirm',
        connections: 8,
        durationS: config.warmupS,
        runId: runId(),
      });
      const skipMs = Date.now() - started;
      const r = await runWrk({
        ...wrkBase(prof.baseUrl, meta),
        mode: 'confirm',
        connections: 8,
        durationS: config.durationS,
        runId: runId(),
      });
      await prof.stop();
      const file = `${profDir}/${readdirSync(profDir)[0]}`;
      results.profile = { requests: r.requests, file, ...stageTimes(file, PROFILE_STAGES, skipMs) };
    }
  } finally {
    results.serverRss = { idleMiB: rssIdle, ...rssAll.stop() };
    await server.stop();
  }
}

export const PROFILE_STAGES: Record<string, RegExp> = {
  'http: parse request': /parserOnHeadersComplete|parserOnBody|parserOnMessageComplete|onParserExecute/,
  'fastify (routing, hooks, reply)': /fastify\/lib|find-my-way/,
  'json body parse': /secure-json-parse|defaultJsonParser/,
  'receipt use case (all of confirm)': /confirmReceipt/,
  'request hash (canonical JSON + sha256)': /requestHash|canonicalJson/,
  'domain (pricing, ledger plans, time zones)': /packages\/domain/,
  'kysely (build + compile SQL)': /kysely/,
  'pg driver (protocol, result parsing)': /node_modules\/pg\/|pg-protocol|pg-pool|pg-types/,
  'http: write response': /_http_outgoing|writeHead|_storeHeader/,
  'metrics (prom-client)': /prom-client/,
  'garbage collection': /garbage collector/,
};

async function overloadPhase(server: KopilkaServer, meta: DatasetMeta, pgCpu: () => number) {
  const points = (results.ratio as RatioPoint[] | undefined) ?? [];
  let sustainable =
    typeof args.sustainable === 'string'
      ? Number(args.sustainable)
      : points.length
        ? Math.max(...points.map((p) => p.kopilka.okPerSec))
        : 0;
  const out: Record<string, unknown> = {};
  if (!sustainable) {
    log('overload: measuring the sustainable confirm rate (32 connections, unpaced)');
    const cap = await measureKopilka(server, meta, 'confirm', 32, pgCpu);
    sustainable = cap.okPerSec;
    out.capacity = cap;
  }
  out.sustainablePerSec = sustainable;
  const connections = 256;
  for (const [label, factor] of [
    ['at 0.5x', 0.5],
    ['at 2x', 2],
  ] as const) {
    const rate = Math.max(10, Math.round(sustainable * factor));
    log(`overload: offered ${rate}/s (${label} of ${sustainable}/s) over ${connections} paced connections`);
    const r = await measureKopilka(server, meta, 'confirm', connections, pgCpu, {
      rate,
      timeoutS: 30,
      threads: 2,
    });
    log(
      `  answered ${r.rps}/s (${r.okPerSec} ok), p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} max ${r.latencyMs.max} ms, statuses ${JSON.stringify(r.status)}, timeouts ${r.errors.timeout}`,
    );
    out[label] = { offeredPerSec: rate, ...r };
  }
  const two = out['at 2x'] as WrkResult | undefined;
  const shed = two
    ? Object.entries(two.status)
        .filter(([k]) => k === '429' || k === '503')
        .reduce((a, [, v]) => a + v, 0)
    : 0;
  const answered = two ? Object.values(two.status).reduce((a, v) => a + v, 0) : 0;
  const shedPct = answered ? round((shed / answered) * 100) : 0;
  const p99Ok = two ? (two.status['201'] ? two.latencyMs.p99 : 0) : 0;
  out.shedPercent = shedPct;
  out.verdict = !two
    ? 'not measured'
    : shed > 0
      ? `sheds ${shedPct} % of requests at 2x with 429/503; p99 over all answers ${two.latencyMs.p99} ms`
      : p99Ok > 1000
        ? `no load shedding: every request queues, p99 ${two.latencyMs.p99} ms`
        : 'keeps up at 2x';
  return out;
}

/** Embedded mode: the server on PGlite in a fresh data directory, members created by SQL. */
async function pglitePhase(cwd: string) {
  const dataDir = `${DATA_ROOT}/pglite-data`;
  const logFile = `${DATA_ROOT}/logs/pglite-${config.out}.log`;
  const members = 10_000;
  await prepareEmbeddedData({ dataDir, port: config.port + 1, logFile, cwd, members });
  const server = await startKopilka({ port: config.port + 1, dataDir, logFile, cwd });
  const meta = { members, richMax: 1 } as DatasetMeta;
  const points: unknown[] = [];
  const rss = sampleRss(server.pid);
  try {
    for (const c of [1, 8, 32]) {
      log(`PGlite confirm throughput: ${c} connection(s)`);
      const r = await measureKopilka(server, meta, 'confirm', c, () => 0);
      log(
        `  ${r.okPerSec}/s p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms, RSS peak ${r.rssPeakMiB} MiB, statuses ${JSON.stringify(r.status)}`,
      );
      points.push(r);
    }
  } finally {
    await server.stop();
  }
  return { members, dataDir, points, rss: rss.stop() };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t = Date.now();
  const value = await fn();
  return { seconds: round((Date.now() - t) / 1000, 1), value };
}

/** Batch jobs at scale: expiry of every open lot, ledger verify, and the other engineers' batch benches. */
async function batchPhase(target: PgTarget, tree: { dir: string; label: string }) {
  const ds = await ensureDataset(target, {
    scale: config.batchScale,
    seed: config.seed,
    fresh: config.fresh,
    port: config.port + 60,
    cwd: tree.dir,
    tree: tree.label,
  });
  const out: Record<string, unknown> = { dataset: ds.meta };
  if ((ds.meta as DatasetMeta & { consumed?: boolean }).consumed)
    throw new Error('1M data set already expired');
  const openLots = async () => {
    const [row] = await query<{ n: string; m: string }>(
      ds.url,
      'select count(*)::text as n, count(distinct member_id)::text as m from lot where remaining > 0',
    );
    return { lots: Number(row?.n ?? 0), members: Number(row?.m ?? 0) };
  };
  const before = await openLots();
  const openBefore = before.lots;
  const at = new Date(new Date(ds.meta.anchor).getTime() + 400 * 86_400_000).toISOString();
  log(
    `batch: ledger.expire of ${openBefore} open lots (kopilka jobs run --at ${at}), stopped after ${config.batchMaxS} s if not done`,
  );
  const expiry = await timed(() =>
    run(
      process.execPath,
      ['--import', 'tsx', 'packages/server/src/entrypoints/cli.ts', 'jobs', 'run', '--at', at],
      {
        cwd: tree.dir,
        env: { ...process.env, DATABASE_URL: ds.url, LOG_LEVEL: 'warn' },
        timeoutMs: config.batchMaxS * 1000,
        check: false,
      },
    ),
  );
  let ran: unknown = expiry.value.stdout;
  try {
    ran = JSON.parse(expiry.value.stdout).ran;
  } catch {}
  const after = await openLots();
  const expired = before.lots - after.lots;
  const finished = expiry.value.code === 0;
  const lotsPerSec = round(expired / expiry.seconds);
  // The job goes member by member, the most active members (most lots) first: members/s is the
  // rate that holds for the rest, so the projection uses it.
  const membersDone = before.members - after.members;
  const membersPerSec = round(membersDone / expiry.seconds);
  const projected = finished
    ? expiry.seconds
    : round(expiry.seconds + after.members / Math.max(membersPerSec, 0.001));
  out.expiry = {
    openLotsBefore: before.lots,
    openLotsAfter: after.lots,
    expired,
    membersWithOpenLotsBefore: before.members,
    membersDone,
    seconds: expiry.seconds,
    finished,
    lotsPerSec,
    membersPerSec,
    projectedSecondsForAll: projected,
    ran,
  };
  log(
    `  expired ${expired} of ${before.lots} lots (${membersDone} of ${before.members} members) in ${expiry.seconds} s: ${lotsPerSec} lots/s, ${membersPerSec} members/s${finished ? '' : `; stopped, projected ${round(projected / 60)} min for all`}`,
  );
  (ds.meta as DatasetMeta & { consumed?: boolean }).consumed = true;
  saveMeta({ ...ds.meta, seed: -1 }); // expired: regenerate next time

  // `kopilka ledger verify` over the whole 1M ledger.
  log('batch: ledger verify');
  const verify = await timed(() =>
    run(process.execPath, ['--import', 'tsx', 'packages/server/src/entrypoints/cli.ts', 'ledger', 'verify'], {
      cwd: tree.dir,
      env: { ...process.env, DATABASE_URL: ds.url, LOG_LEVEL: 'warn' },
      timeoutMs: config.batchMaxS * 1000,
      check: false,
    }),
  );
  out.ledgerVerify = {
    seconds: verify.seconds,
    exitCode: verify.value.code,
    output: verify.value.stdout.slice(0, 500),
  };
  log(`  ledger verify: exit ${verify.value.code} in ${verify.seconds} s`);

  return out;
}

/** Batch benches owned by other engineers, when present (they run from this checkout and make their own databases). */
async function othersPhase(target: PgTarget) {
  const out: Record<string, unknown> = {};
  const rows = String(SCALES[config.batchScale] ?? 1_000_000);
  const others: Record<string, string[]> = {
    'import-members': ['--db-url', target.adminUrl, '--rows', rows],
    'tier-reevaluation': ['--pg-url', target.adminUrl, '--scale', config.batchScale],
    'calculate-campaigns': [],
  };
  for (const [name, benchArgs] of Object.entries(others)) {
    if (args.others === 'no') {
      out[name] = { skipped: '--others no' };
      continue;
    }
    const file = `${BENCH_DIR}/${name}.ts`;
    if (!existsSync(file)) {
      out[name] = { skipped: `bench/${name}.ts is not there yet` };
      continue;
    }
    log(`batch: bench/${name}.ts ${benchArgs.join(' ')}`);
    const r = await timed(() =>
      run(process.execPath, ['--import', 'tsx', file, ...benchArgs], {
        cwd: BENCH_DIR,
        env: { ...process.env, BENCH_PG_URL: target.adminUrl },
        check: false,
        timeoutMs: config.batchMaxS * 1500,
      }),
    );
    log(`  exit ${r.value.code} after ${r.seconds} s`);
    out[name] = {
      seconds: r.seconds,
      exitCode: r.value.code,
      output: r.value.stdout.slice(-3000),
      stderr: r.value.stderr.slice(-1500),
    };
  }
  return out;
}

function printSummary() {
  const lines: string[] = [];
  const m = results.machine as ReturnType<typeof machineInfo>;
  lines.push(
    '',
    `Kopilka bench — ${results.commit} — ${m.cores} cores, ${m.memoryGiB} GiB — ${results.startedAt}`,
  );
  const ratio = results.ratio as RatioPoint[] | undefined;
  if (ratio) {
    lines.push(
      '',
      'confirm (earn) throughput vs pgbench with the same SQL, same PostgreSQL, synchronous_commit=on',
    );
    lines.push(
      'conns | kopilka/s | p50 ms | p95 ms | p99 ms | cpu ms/op srv+pg+wrk | pgbench tps | p50 ms | p99 ms | cpu ms/op pg+pgbench | ratio | cpu ratio | load',
    );
    for (const p of ratio) {
      const k = p.kopilka;
      lines.push(
        [
          p.connections,
          k.okPerSec,
          k.latencyMs.p50,
          k.latencyMs.p95,
          k.latencyMs.p99,
          `${k.cpuPerOp.serverMs}+${k.cpuPerOp.postgresMs}+${k.cpuPerOp.driverMs}`,
          p.pgbench.tps,
          p.pgbench.latencyMs.p50,
          p.pgbench.latencyMs.p99,
          `${p.pgbench.cpuPerOp.postgresMs}+${p.pgbench.cpuPerOp.driverMs}`,
          p.ratio,
          p.cpuRatio,
          k.load[0],
        ].join(' | '),
      );
    }
  }
  if (ratio?.some((p) => p.pgbench15)) {
    lines.push('', 'pgbench with the 15-statement shape before ADR 0006 (confirm-15.sql):');
    for (const p of ratio)
      if (p.pgbench15)
        lines.push(
          `  ${p.connections} conns: ${p.pgbench15.tps} tps, cpu ms/tx ${p.pgbench15.cpuPerOp.postgresMs}+${p.pgbench15.cpuPerOp.driverMs}; kopilka ÷ that ${round(p.kopilka.okPerSec / p.pgbench15.tps, 3)}`,
        );
  }
  const calc = results.calculate as { points: WrkResult[] } | undefined;
  if (calc) {
    lines.push('', 'calculate (writes nothing), 0 campaigns');
    for (const r of calc.points)
      lines.push(
        `  ${r.connections} conns: ${r.okPerSec}/s p50 ${r.latencyMs.p50} p95 ${r.latencyMs.p95} p99 ${r.latencyMs.p99} ms`,
      );
  }
  const mix = results.mix as WrkResult | undefined;
  if (mix)
    lines.push(
      '',
      `mix (70 % earn, 15 % spend, 15 % refund) 32 conns: ${mix.okPerSec}/s ok, p50 ${mix.latencyMs.p50} p99 ${mix.latencyMs.p99} ms, ${JSON.stringify(mix.status)}`,
    );
  const ov = results.overload as
    | (Record<string, WrkResult & { offeredPerSec: number }> & { verdict?: string })
    | undefined;
  if (ov) {
    lines.push(
      '',
      `overload (sustainable ≈ ${(ov as unknown as { sustainablePerSec: number }).sustainablePerSec}/s): ${ov.verdict}`,
    );
    for (const k of ['at 0.5x', 'at 2x']) {
      const r = ov[k];
      if (r)
        lines.push(
          `  offered ${r.offeredPerSec}/s: answered ${r.rps}/s, p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} max ${r.latencyMs.max} ms, ${JSON.stringify(r.status)}, timeouts ${r.errors.timeout}`,
        );
    }
  }
  const rss = results.serverRss as { idleMiB: number; peakMiB: number } | undefined;
  if (rss)
    lines.push(
      '',
      `server RSS (PostgreSQL mode): idle ${rss.idleMiB} MiB, peak under load ${rss.peakMiB} MiB`,
    );
  const pgl = results.pglite as { points: (WrkResult & { rssPeakMiB: number })[] } | undefined;
  if (pgl) {
    lines.push('', 'embedded PGlite confirm');
    for (const r of pgl.points)
      lines.push(
        `  ${r.connections} conns: ${r.okPerSec}/s p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms, RSS peak ${r.rssPeakMiB} MiB`,
      );
  }
  const batch = results.batch as
    | {
        expiry?: {
          openLotsBefore: number;
          expired: number;
          seconds: number;
          lotsPerSec: number;
          finished: boolean;
          projectedSecondsForAll: number;
        };
        ledgerVerify?: { seconds: number; exitCode: number };
      }
    | undefined;
  if (batch?.expiry) {
    const e = batch.expiry;
    lines.push(
      '',
      `batch (${config.batchScale}): expiry ${e.finished ? `of all ${e.openLotsBefore} lots in ${e.seconds} s` : `stopped after ${e.seconds} s: ${e.expired} of ${e.openLotsBefore} lots, projected ${round(e.projectedSecondsForAll / 60)} min for all`} (${e.lotsPerSec} lots/s); ledger verify ${batch.ledgerVerify?.seconds} s (exit ${batch.ledgerVerify?.exitCode})`,
    );
  }
  const floor = results.floor as
    | { shape: string; tps: number; cpuPerOp: { nodeMs: number; postgresMs: number } }[]
    | undefined;
  if (floor) {
    lines.push('', 'the same SQL from plain node-postgres, 8 clients (no HTTP, Kysely or domain code)');
    for (const f of floor)
      lines.push(
        `  ${f.shape.padEnd(10)} ${f.tps} tx/s, cpu/op node ${f.cpuPerOp.nodeMs} ms + postgres ${f.cpuPerOp.postgresMs} ms`,
      );
  }
  const prof = results.profile as
    | { busyMs: number; requests: number; stages: Record<string, { ms: number; pct: number }> }
    | undefined;
  if (prof) {
    lines.push(
      '',
      `server CPU profile, confirm at 8 connections (${prof.requests} requests, ${round(prof.busyMs / prof.requests, 2)} ms JS per confirm):`,
    );
    for (const [k, v] of Object.entries(prof.stages)) lines.push(`  ${String(v.pct).padStart(5)} %  ${k}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
