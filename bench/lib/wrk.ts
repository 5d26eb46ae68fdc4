import { BENCH_DIR, round, run } from './util';

export type WrkRaw = {
  requests: number;
  durationUs: number;
  bytes: number;
  latencyUs: {
    min: number;
    mean: number;
    stdev: number;
    max: number;
    p50: number;
    p90: number;
    p95: number;
    p99: number;
    p999: number;
  };
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  status: Record<string, number>;
  issued: Record<string, number>;
};

export type WrkResult = {
  mode: string;
  connections: number;
  threads: number;
  durationS: number;
  targetRate: number | null;
  requests: number;
  /** all answers per second */
  rps: number;
  /** 2xx answers per second */
  okPerSec: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number; p999: number; max: number; mean: number };
  status: Record<string, number>;
  errors: WrkRaw['errors'];
  issued: Record<string, number>;
  /** CPU seconds wrk itself used (user + system) */
  driverCpuS: number;
};

export type WrkOptions = {
  baseUrl: string;
  mode: 'confirm' | 'calculate' | 'mix' | 'spend';
  connections: number;
  durationS: number;
  apiKey: string;
  runId: string;
  members: number;
  rich: number;
  refundFrom?: number;
  refundTo?: number;
  /** receipts hist-1..hist-<refundTotal> exist; refund slots are spread over them with a prime stride */
  refundTotal?: number;
  rate?: number;
  timeoutS?: number;
  threads?: number;
};

/** One wrk run (bounded by --duration) against a loopback URL; parses the script's JSON summary. */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const url = new URL(o.baseUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
    throw new Error('load targets must be on loopback');
  const threads = o.threads ?? Math.min(2, o.connections);
  const env = {
    ...process.env,
    BENCH_MODE: o.mode,
    BENCH_KEY: o.apiKey,
    BENCH_RUN: o.runId,
    BENCH_MEMBERS: String(o.members),
    BENCH_RICH: String(Math.max(1, o.rich)),
    BENCH_REFUND_FROM: String(o.refundFrom ?? 1),
    BENCH_REFUND_TO: String(o.refundTo ?? 0),
    BENCH_REFUND_TOTAL: String(o.refundTotal ?? 0),
    BENCH_REFUND_STRIDE: '7919',
    BENCH_RATE: String(o.rate ?? 0),
    BENCH_THREADS: String(threads),
    BENCH_CONNECTIONS: String(o.connections),
  };
  const args = [
    '-t',
    String(threads),
    '-c',
    String(o.connections),
    '-d',
    `${o.durationS}s`,
    '--timeout',
    `${o.timeoutS ?? 30}s`,
    '-s',
    `${BENCH_DIR}/wrk/kopilka.lua`,
    o.baseUrl,
  ];
  const r = await run('/usr/bin/time', ['-f', '__CPU__ %U %S', 'wrk', ...args], {
    env,
    timeoutMs: (o.durationS + 60) * 1000,
  });
  const cpu = /__CPU__ ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const line = r.stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${r.stdout}\n${r.stderr}`);
  const raw = JSON.parse(line.slice(8)) as WrkRaw;
  const secs = raw.durationUs / 1e6;
  const ok = Object.entries(raw.status)
    .filter(([k]) => k.startsWith('2'))
    .reduce((a, [, v]) => a + v, 0);
  const ms = (us: number) => round(us / 1000, 2);
  return {
    mode: o.mode,
    connections: o.connections,
    threads,
    durationS: round(secs, 2),
    targetRate: o.rate ?? null,
    requests: raw.requests,
    rps: round(raw.requests / secs),
    okPerSec: round(ok / secs),
    latencyMs: {
      p50: ms(raw.latencyUs.p50),
      p90: ms(raw.latencyUs.p90),
      p95: ms(raw.latencyUs.p95),
      p99: ms(raw.latencyUs.p99),
      p999: ms(raw.latencyUs.p999),
      max: ms(raw.latencyUs.max),
      mean: ms(raw.latencyUs.mean),
    },
    status: raw.status,
    errors: raw.errors,
    issued: raw.issued,
    driverCpuS: cpu ? round(Number(cpu[1]) + Number(cpu[2]), 2) : Number.NaN,
  };
}
