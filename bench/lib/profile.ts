import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  hitCount?: number;
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

function bucketOf(url: string): string {
  if (!url) return '(native/gc/idle)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const m = /packages\/(\w+)\/src\/(.*)$/.exec(url);
  if (m) return `${m[1]}/${m[2]!.split('/').slice(0, 2).join('/')}`;
  return url;
}

/**
 * A profile of the prebuilt server names dist/cli.js for every frame of our code; each frame of a
 * bundle with a source map gets the URL of its original .ts file instead, so that files and
 * stages are told apart as in a profile of the sources.
 */
function readProfile(file: string): Profile {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      let map: SourceMap | null = null;
      try {
        const path = `${fileURLToPath(url)}.map`;
        if (existsSync(path)) map = new SourceMap(JSON.parse(readFileSync(path, 'utf8')));
      } catch {
        map = null;
      }
      maps.set(url, map);
    }
    return maps.get(url) ?? null;
  };
  for (const n of p.nodes) {
    const f = n.callFrame;
    if (!f.url.startsWith('file:') || !f.url.endsWith('.js') || f.url.includes('node_modules/')) continue;
    const map = mapOf(f.url);
    const entry = map?.findEntry(f.lineNumber, f.columnNumber ?? 0) as
      | { originalSource?: string }
      | undefined;
    if (entry?.originalSource) f.url = new URL(entry.originalSource, f.url).href;
  }
  return p;
}

/** Self time by package/file and by function, from a V8 .cpuprofile (node --cpu-prof). */
export function summarizeProfile(file: string, top = 25) {
  const p = readProfile(file);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byBucket = new Map<string, number>();
  const byFn = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName || '(anonymous)';
    if (fn === '(idle)') {
      idle += us;
      continue;
    }
    const b =
      fn === '(garbage collector)' ? '(gc)' : fn === '(program)' ? '(program)' : bucketOf(n.callFrame.url);
    byBucket.set(b, (byBucket.get(b) ?? 0) + us);
    const key = `${fn} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*packages\//, '')}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => Math.round((us / busy) * 1000) / 10;
  const sort = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => ({ name: k, ms: Math.round(v / 1000), pct: pct(v) }));
  return {
    wallMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    byPackage: sort(byBucket),
    byFunction: sort(byFn),
  };
}

/**
 * Inclusive time of named stages (a sample counts for a stage when any frame on its stack matches),
 * over the samples after `skipMs` (start-up), leaving out idle time and time spent blocked inside a
 * socket write — with wall-clock sampling on a busy 2-core machine, a write that wakes PostgreSQL
 * often gives up the CPU, and that wait is not work.
 */
export function stageTimes(file: string, stages: Record<string, RegExp>, skipMs = 0) {
  const p = readProfile(file);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, Set<string>>();
  const stagesFor = (id: number): Set<string> => {
    const hit = stageOf.get(id);
    if (hit) return hit;
    const n = byId.get(id)!;
    const up = parent.get(id);
    const s = new Set(up === undefined ? [] : stagesFor(up));
    const label = `${n.callFrame.functionName} ${n.callFrame.url}`;
    for (const [name, re] of Object.entries(stages)) if (re.test(label)) s.add(name);
    stageOf.set(id, s);
    return s;
  };
  const totals: Record<string, number> = Object.fromEntries(Object.keys(stages).map((k) => [k, 0]));
  let t = 0;
  let busy = 0;
  let blocked = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (t / 1000 < skipMs) continue;
    const n = byId.get(p.samples[i]!)!;
    const fn = n.callFrame.functionName;
    if (fn === '(idle)') continue;
    if (fn === 'writev' || fn === 'writeBuffer' || fn === 'writeUtf8String') {
      blocked += dt;
      continue;
    }
    busy += dt;
    for (const s of stagesFor(n.id)) totals[s]! += dt;
  }
  const ms = (us: number) => Math.round(us / 1000);
  return {
    busyMs: ms(busy),
    blockedInWriteMs: ms(blocked),
    stages: Object.fromEntries(
      Object.entries(totals).map(([k, v]) => [k, { ms: ms(v), pct: Math.round((v / busy) * 1000) / 10 }]),
    ),
  };
}
