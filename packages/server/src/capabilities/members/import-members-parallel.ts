import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parse } from 'csv-parse/sync';
import { readHeader, type StagingSetup, takeLine } from './import-member-rows';
import type { BlockRequest, BlockResult, WorkerSetup } from './import-members.worker';

export type ParsedBlock = Exclude<BlockResult, { error: string }>;

// Parsing and validating a million CSV rows is most of the member import's work in Node (~15 µs a
// row). Here the file is cut into blocks of whole records — at line breaks outside quotes, so
// quoted cells with line breaks stay whole — and the blocks are parsed by worker threads, while
// this thread only scans bytes and writes the workers' COPY text, in file order, to PostgreSQL.

const BLOCK_BYTES = 1 << 19;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

export type ParallelOptions = {
  input: Readable;
  workers: number;
  mode: WorkerSetup['mode'];
  /** Bytes per block (default 512 KB; tests make it small to cut many blocks). */
  blockBytes?: number;
  setup: Omit<StagingSetup, 'columns'> & { tenantId: string; importId: string };
  onHeader: (ignoredColumns: string[]) => void;
};

function startWorkers(count: number, setup: WorkerSetup): Worker[] {
  // The worker is TypeScript like the rest of the server: it registers tsx's loader first (a
  // worker does not inherit the loader the CLI was started with, nor a test runner's transform).
  const tsx =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(
          createRequire(import.meta.url)
            .resolve('tsx/esm/api')
            .replace(/\.cjs$/, '.mjs'),
        ).href;
  const entry = new URL('./import-members.worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  return Array.from(
    { length: count },
    () => new Worker(boot, { eval: true, workerData: setup, execArgv: [] }),
  );
}

/** Staging COPY text of every row that can be staged, in file order; each block's counts to `onBlock`. */
export async function* parallelCopyText(
  opts: Omit<ParallelOptions, 'mode'> & {
    onBlock: (rows: number, invalid: readonly { line: number; reason: string }[]) => void;
  },
): AsyncGenerator<string> {
  for await (const block of parallelBlocks({ ...opts, mode: 'staging' })) {
    opts.onBlock(block.rows, block.invalid);
    if (block.copy) yield block.copy;
  }
}

/** The workers' answers for every block of the file, in file order. */
export async function* parallelBlocks(opts: ParallelOptions): AsyncGenerator<ParsedBlock> {
  const blockBytes = opts.blockBytes ?? BLOCK_BYTES;
  let workers: Worker[] = [];
  const pending = new Map<number, { resolve: (r: BlockResult) => void; reject: (e: Error) => void }>();
  const results: Promise<BlockResult>[] = [];
  let sent = 0;
  let taken = 0;
  let failure: Error | undefined;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const send = (text: string, firstLine: number, skipHeader: boolean) => {
    const seq = sent++;
    const result = new Promise<BlockResult>((resolve, reject) => pending.set(seq, { resolve, reject }));
    // Awaited in order by take(); a failure of a later block must not count as unhandled meanwhile.
    result.catch(() => undefined);
    results[seq] = result;
    const request: BlockRequest = { seq, text, firstLine, skipHeader };
    workers[seq % workers.length]?.postMessage(request);
  };
  async function* take(leave: number): AsyncGenerator<ParsedBlock> {
    while (sent - taken > leave) {
      const result = await results[taken]!;
      delete results[taken];
      taken++;
      if ('error' in result) throw new Error(result.error);
      yield result;
    }
  }

  let columns: (string | undefined)[] | undefined;
  let lineCursor = 1;
  /** A block of whole records: finds the header in the first, hands every block to a worker. */
  const dispatch = (block: Buffer, newlines: number) => {
    const firstLine = lineCursor;
    lineCursor += newlines;
    const text = block.toString('utf8');
    if (columns !== undefined) {
      send(text, firstLine, false);
      return;
    }
    const counter = { next: firstLine };
    for (const record of parse(text, { delimiter: [',', ';'], relax_column_count: true }) as string[][]) {
      if (takeLine(record, counter) === undefined) continue;
      const header = readHeader(record);
      columns = header.columns;
      opts.onHeader(header.ignored);
      workers = startWorkers(Math.max(1, opts.workers), {
        ...opts.setup,
        today: opts.setup.today.toISOString(),
        columns,
        mode: opts.mode,
      });
      for (const w of workers) {
        w.on('message', (r: BlockResult) => {
          pending.get(r.seq)?.resolve(r);
          pending.delete(r.seq);
        });
        w.on('error', failAll);
        w.on('exit', (code) => {
          if (code !== 0) failAll(new Error(`an import worker stopped (exit code ${code})`));
        });
      }
      send(text, firstLine, true);
      return;
    }
  };

  try {
    let parts: Buffer[] = [];
    let partsBytes = 0;
    let partsNewlines = 0;
    let inQuote = false;
    let first = true;
    for await (const chunk of opts.input) {
      let buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      if (first) {
        first = false;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      let newlines = 0;
      let boundary = -1;
      let newlinesToBoundary = 0;
      for (let i = 0; i < buf.length; i++) {
        const b = buf[i];
        if (b === QUOTE) inQuote = !inQuote;
        else if (b === NEWLINE) {
          newlines++;
          if (!inQuote) {
            boundary = i;
            newlinesToBoundary = newlines;
          }
        }
      }
      parts.push(buf);
      partsBytes += buf.length;
      if ((partsBytes >= blockBytes || columns === undefined) && boundary >= 0) {
        const block = Buffer.concat([...parts.slice(0, -1), buf.subarray(0, boundary + 1)]);
        const rest = buf.subarray(boundary + 1);
        dispatch(block, partsNewlines + newlinesToBoundary);
        parts = rest.length > 0 ? [rest] : [];
        partsBytes = rest.length;
        partsNewlines = newlines - newlinesToBoundary;
        if (failure) throw failure;
        // Keep a few blocks per worker in flight; beyond that, wait for the oldest.
        yield* take(workers.length * 3);
      } else {
        partsNewlines += newlines;
      }
    }
    if (partsBytes > 0) dispatch(Buffer.concat(parts), partsNewlines);
    yield* take(0);
    if (failure) throw failure;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
