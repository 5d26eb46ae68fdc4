import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { BENCH_DIR, percentile, round, run } from './util';

export type PgbenchResult = {
  clients: number;
  durationS: number;
  transactions: number;
  failed: number;
  tps: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
  /** CPU seconds pgbench itself used (user + system) */
  driverCpuS: number;
};

/** pgbench running bench/pgbench/<script> against `url` for `durationS`, with per-transaction logs for percentiles. */
export async function runPgbench(o: {
  url: string;
  script: string;
  clients: number;
  durationS: number;
  vars: Record<string, string>;
  logDir: string;
}): Promise<PgbenchResult> {
  const u = new URL(o.url);
  rmSync(o.logDir, { recursive: true, force: true });
  mkdirSync(o.logDir, { recursive: true });
  const args = [
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username || 'postgres'),
    '-n',
    '-M',
    'extended',
    '-f',
    `${BENCH_DIR}/pgbench/${o.script}`,
    '-c',
    String(o.clients),
    '-j',
    String(Math.min(2, o.clients)),
    '-T',
    String(o.durationS),
    '-l',
    '--log-prefix',
    `${o.logDir}/pgbench_log`,
    ...Object.entries(o.vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    u.pathname.slice(1),
  ];
  const r = await run('/usr/bin/time', ['-f', '__CPU__ %U %S', 'pgbench', ...args], {
    timeoutMs: (o.durationS + 120) * 1000,
  });
  const cpu = /__CPU__ ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const num = (re: RegExp) => Number(re.exec(r.stdout)?.[1] ?? Number.NaN);
  const latencies: number[] = [];
  for (const f of readdirSync(o.logDir)) {
    for (const line of readFileSync(`${o.logDir}/${f}`, 'utf8').split('\n')) {
      const parts = line.split(' ');
      if (parts.length >= 6) latencies.push(Number(parts[2]) / 1000);
    }
  }
  rmSync(o.logDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  return {
    clients: o.clients,
    durationS: o.durationS,
    transactions: num(/number of transactions actually processed: (\d+)/),
    failed: num(/number of failed transactions: (\d+)/),
    tps: round(num(/tps = ([\d.]+) \(without initial connection time\)/)),
    latencyMs: {
      p50: round(percentile(latencies, 50), 2),
      p90: round(percentile(latencies, 90), 2),
      p95: round(percentile(latencies, 95), 2),
      p99: round(percentile(latencies, 99), 2),
      max: round(latencies.at(-1) ?? Number.NaN, 2),
      mean: round(mean, 2),
    },
    driverCpuS: cpu ? round(Number(cpu[1]) + Number(cpu[2]), 2) : Number.NaN,
  };
}
