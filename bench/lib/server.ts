import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { log, ROOT_DIR, sleep } from './util';

export const BENCH_API_KEY = 'kopilka-bench-key-0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * How the server runs: `bundle` is what `npm start` runs (plain JavaScript built by
 * scripts/build-server.mjs, started with the node flags of the tree's `start` script, or of
 * `start:postgres` on PostgreSQL), `tsx` the TypeScript sources through tsx's loader (~60 MiB more
 * RSS). Set by `BENCH_SERVER=tsx|bundle` (default `bundle`); a tree from before the bundle runs on tsx.
 */
export type ServerRuntime = 'bundle' | 'tsx';

export type KopilkaServer = {
  child: ChildProcess;
  runtime: ServerRuntime;
  pid: number;
  port: number;
  baseUrl: string;
  stop: () => Promise<void>;
  kill9: () => Promise<void>;
  exited: Promise<number | null>;
};

export type ServerOptions = {
  port: number;
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
  logFile: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** source tree to run (default: this checkout) */
  cwd?: string;
};

const builtTrees = new Set<string>();

/** The node arguments that start `kopilka serve` in a tree, building its bundle once per process. */
function serveCommand(
  cwd: string,
  engine: 'pglite' | 'postgres',
): { runtime: ServerRuntime; args: string[] } {
  const wanted = process.env.BENCH_SERVER ?? 'bundle';
  if (wanted !== 'bundle' && wanted !== 'tsx')
    throw new Error(`BENCH_SERVER must be bundle or tsx, not ${wanted}`);
  if (wanted === 'bundle' && existsSync(join(cwd, 'scripts/build-server.mjs'))) {
    if (!builtTrees.has(cwd)) {
      const build = spawnSync(process.execPath, ['scripts/build-server.mjs', '--quiet'], {
        cwd,
        encoding: 'utf8',
      });
      if (build.status !== 0) throw new Error(`building the server in ${cwd} failed:\n${build.stderr}`);
      builtTrees.add(cwd);
    }
    const { scripts } = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const start = (engine === 'postgres' && scripts['start:postgres']) || scripts.start || '';
    if (!start.startsWith('node ')) throw new Error(`${cwd}/package.json: the start script is not "node …"`);
    return { runtime: 'bundle', args: start.split(/\s+/).slice(1) };
  }
  if (wanted === 'bundle') log(`${cwd} has no scripts/build-server.mjs: its server runs on tsx`);
  return { runtime: 'tsx', args: ['--import', 'tsx', 'packages/server/src/entrypoints/cli.ts', 'serve'] };
}

/** Starts `kopilka serve` as a child process and waits until /readyz answers 200. */
export async function startKopilka(opts: ServerOptions): Promise<KopilkaServer> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const out = createWriteStream(opts.logFile, { flags: 'a' });
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    KOPILKA_DEMO: '0',
    KOPILKA_INIT_API_KEY: BENCH_API_KEY,
    KOPILKA_JOBS: '0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...(opts.dataDir ? { KOPILKA_DATA_DIR: opts.dataDir } : {}),
    ...(opts.poolSize ? { DATABASE_POOL_SIZE: String(opts.poolSize) } : {}),
    ...(opts.env ?? {}),
  };
  if (!opts.databaseUrl) delete env.DATABASE_URL;
  const cwd = opts.cwd ?? ROOT_DIR;
  const { runtime, args } = serveCommand(cwd, opts.databaseUrl ? 'postgres' : 'pglite');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const until = Date.now() + 120_000;
  for (;;) {
    if (dead) throw new Error(`kopilka exited during start; see ${opts.logFile}`);
    try {
      const r = await fetch(`${baseUrl}/readyz`);
      if (r.status === 200) break;
    } catch {}
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`kopilka did not become ready in 120 s; see ${opts.logFile}`);
    }
    await sleep(150);
  }
  return {
    child,
    runtime,
    pid: child.pid!,
    port: opts.port,
    baseUrl,
    exited,
    stop: async () => {
      if (dead) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
    kill9: async () => {
      if (dead) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function api<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ status: number; body: T }> {
  const r = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${BENCH_API_KEY}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: r.status, body: parsed as T };
}
