/**
 * Server memory in embedded (PGlite) mode, or PostgreSQL mode with --pg-url: resident memory idle
 * and under confirm load, the prebuilt bundle (`npm start`) against the sources through tsx, and
 * the server's CPU per confirm. Short and light on CPU.
 *
 *   node --import tsx bench/server-memory.ts                           # bundle and tsx, 2,000 confirms each
 *   node --import tsx bench/server-memory.ts --runtimes bundle --confirms 4000 --source head
 *   node --import tsx bench/server-memory.ts --runtimes bundle --reuse-template \
 *     --node-args=--max-semi-space-size=4 --env KOPILKA_PGLITE_SHARED_BUFFERS_MB=16   # try a lever
 *
 *   node --import tsx bench/server-memory.ts --pg-url postgres://postgres@127.0.0.1:5432/postgres
 *
 * Every PGlite server starts on a copy of one prepared data directory (10,000 members). Writes
 * bench/results/<out>.json (default server-memory.json; --out scratch-… is not committed).
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { prepareEmbeddedData, preparePostgresData } from './lib/bench-members';
import { DATA_ROOT } from './lib/dataset';
import { externalPg } from './lib/pg';
import { BENCH_API_KEY, type KopilkaServer, type ServerRuntime, startKopilka } from './lib/server';
import { sourceTree } from './lib/tree';
import { BENCH_DIR, cpuSeconds, gitCommit, log, machineInfo, parseArgs, sampleRss, sleep } from './lib/util';

const args = parseArgs(process.argv.slice(2));
const opt = (name: string, dflt: string) => (typeof args[name] === 'string' ? (args[name] as string) : dflt);
const config = {
  runtimes: opt('runtimes', 'bundle,tsx').split(',') as ServerRuntime[],
  confirms: Number(opt('confirms', '2000')),
  connections: Number(opt('connections', '8')),
  members: Number(opt('members', '10000')),
  nodeArgs: opt('node-args', '').split(' ').filter(Boolean),
  env: Object.fromEntries(
    opt('env', '')
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  ) as Record<string, string>,
  label: opt('label', ''),
  port: Number(opt('port', '18290')),
  out: opt('out', 'server-memory'),
  /** worktree, head, a commit, or a prepared tree's absolute path (see bench/lib/tree.ts) */
  source: opt('source', 'worktree'),
  /** keep the prepared data directory for the next run with --reuse-template (trying levers) */
  reuseTemplate: args['reuse-template'] === true,
  /** PostgreSQL mode: a server to create the database kopilka_server_memory in (otherwise PGlite) */
  pgUrl: typeof args['pg-url'] === 'string' ? (args['pg-url'] as string) : null,
};
const tree = sourceTree(config.source);

const MiB = 2 ** 20;
const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

/** The server's own view of its memory, from the Prometheus endpoint. */
async function memoryMetrics(baseUrl: string) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    rssMiB: mib(read('process_resident_memory_bytes')),
    heapUsedMiB: mib(read('nodejs_heap_size_used_bytes')),
    heapTotalMiB: mib(read('nodejs_heap_size_total_bytes')),
    /** C++ objects and ArrayBuffers outside the JS heap: PGlite's WebAssembly memory is most of it */
    externalMiB: mib(read('nodejs_external_memory_bytes')),
  };
}

const CATEGORIES = ['coffee', 'tea', 'bakery', 'dairy', 'produce', 'snacks'];

/** `count` confirms of new receipts (1–3 lines, random members) over `connections` connections. */
async function sendConfirms(baseUrl: string, count: number, connections: number, runId: string) {
  let next = 0;
  const status: Record<string, number> = {};
  const headers = { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' };
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let n = next++; n < count; n = next++) {
        const lines = Array.from({ length: 1 + (n % 3) }, (_, i) => ({
          lineId: String(i + 1),
          sku: `SKU-${(n * 7 + i) % 600}`,
          category: CATEGORIES[(n + i) % CATEGORIES.length],
          quantity: 1,
          amountMinor: 3990 + ((n * 131 + i * 17) % 2500) * 100,
        }));
        const body = {
          receiptId: `mem-${runId}-${n}`,
          storeId: `store-${n % 60}`,
          channel: 'pos',
          member: { memberId: `mbr_b${1 + ((n * 7919) % config.members)}` },
          lines,
        };
        const r = await fetch(`${baseUrl}/v1/receipts/confirm`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
        await r.arrayBuffer();
        status[r.status] = (status[r.status] ?? 0) + 1;
      }
    }),
  );
  return { seconds: (Date.now() - started) / 1000, status };
}

/** Where a measured server keeps its data: a copy of the prepared PGlite directory, or the database. */
type Storage = { dataDir: string } | { databaseUrl: string };

async function measure(runtime: ServerRuntime, storage: Storage) {
  process.env.BENCH_SERVER = runtime;
  const server: KopilkaServer = await startKopilka({
    port: config.port,
    ...storage,
    logFile: `${DATA_ROOT}/logs/server-memory-${runtime}.log`,
    cwd: tree.dir,
    nodeArgs: config.nodeArgs,
    env: config.env,
  });
  try {
    await sleep(3000);
    const idle = await memoryMetrics(server.baseUrl);
    log(`${runtime}: idle RSS ${idle.rssMiB} MiB (heap ${idle.heapUsedMiB}, external ${idle.externalMiB})`);
    const rss = sampleRss(server.pid, 100);
    const cpu0 = cpuSeconds(server.pid);
    const load = await sendConfirms(server.baseUrl, config.confirms, config.connections, `${Date.now()}`);
    const serverCpuMsPerConfirm =
      Math.round(((cpuSeconds(server.pid) - cpu0) * 1000 * 100) / config.confirms) / 100;
    const peak = rss.stop().peakMiB;
    const after = await memoryMetrics(server.baseUrl);
    log(
      `${runtime}: ${config.confirms} confirms in ${load.seconds.toFixed(1)} s ${JSON.stringify(load.status)}, ` +
        `${serverCpuMsPerConfirm} ms CPU each, RSS peak ${peak} MiB, after ${after.rssMiB} MiB (heap ${after.heapUsedMiB}, external ${after.externalMiB})`,
    );
    return {
      runtime: server.runtime,
      idle,
      load: {
        ...load,
        confirmsPerSec: Math.round(config.confirms / load.seconds),
        serverCpuMsPerConfirm,
        rssPeakMiB: peak,
      },
      after,
    };
  } finally {
    await server.stop();
  }
}

/** Each run on a copy of one prepared data directory, so every server starts from the same data. */
async function measureEmbedded(runtime: ServerRuntime, template: string) {
  const dataDir = `${DATA_ROOT}/server-memory-${runtime}`;
  rmSync(dataDir, { recursive: true, force: true });
  cpSync(template, dataDir, { recursive: true });
  try {
    return await measure(runtime, { dataDir });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const runs = [];
  if (config.pgUrl) {
    log(`preparing database kopilka_server_memory with ${config.members} members`);
    const databaseUrl = await preparePostgresData({
      target: externalPg(config.pgUrl),
      database: 'kopilka_server_memory',
      port: config.port,
      cwd: tree.dir,
      members: config.members,
    });
    for (const runtime of config.runtimes) runs.push(await measure(runtime, { databaseUrl }));
  } else {
    const template = `${DATA_ROOT}/server-memory-template-${config.members}`;
    if (!(config.reuseTemplate && existsSync(template))) {
      log(`preparing an embedded data directory with ${config.members} members`);
      await prepareEmbeddedData({
        dataDir: template,
        port: config.port,
        logFile: `${DATA_ROOT}/logs/server-memory-boot.log`,
        cwd: tree.dir,
        members: config.members,
      });
    }
    for (const runtime of config.runtimes) runs.push(await measureEmbedded(runtime, template));
    if (!config.reuseTemplate) rmSync(template, { recursive: true, force: true });
  }
  const result = {
    startedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: machineInfo(),
    engine: config.pgUrl ? 'postgres' : 'pglite',
    config,
    source: { tree: tree.label, dir: tree.dir },
    runs,
  };
  mkdirSync(`${BENCH_DIR}/results`, { recursive: true });
  writeFileSync(`${BENCH_DIR}/results/${config.out}.json`, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote bench/results/${config.out}.json`);
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
