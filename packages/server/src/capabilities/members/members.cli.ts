import { createReadStream, createWriteStream, existsSync, type ReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Config } from '../../platform/config';
import type { DatabaseHandle, Db } from '../../platform/db';
import { exportBalances } from './export-balances.service';
import { exportMembers } from './export-members.service';
import { BALANCE_CURRENCIES, type BalanceImportProblem, importBalances } from './import-balances.service';
import { type ImportProblem, importMembers } from './import-members.service';

// `kopilka import members|balances FILE.csv` and `kopilka export members|balances FILE.csv`. They
// open the database directly: with the embedded engine (PGlite) the server must be stopped first,
// because one data directory cannot be opened by two processes.

export type WithDatabase = <T>(config: Config, fn: (handle: DatabaseHandle) => Promise<T>) => Promise<T>;

const IMPORT_USAGE =
  'Usage: kopilka import members FILE.csv [--tenant SLUG] [--report REPORT.csv] [--workers N]\n' +
  '       kopilka import balances FILE.csv [--tenant SLUG] [--report REPORT.csv] [--dry-run]\n';
const EXPORT_USAGE =
  'Usage: kopilka export members FILE.csv [--tenant SLUG]\n' +
  `       kopilka export balances FILE.csv [--tenant SLUG] [--currency ${BALANCE_CURRENCIES.join('|')}]\n`;
const SHOWN_QUIET = 20;
/** From this size (~200,000 rows) a file on PostgreSQL is parsed by worker threads by default. */
export const AUTO_WORKERS_MIN_BYTES = 20 << 20;

/** Parse workers when `--workers` is not given: 2 for a big file on PostgreSQL, else none. */
export function defaultParseWorkers(engine: DatabaseHandle['engine'], fileBytes: number): number {
  return engine === 'postgres' && fileBytes >= AUTO_WORKERS_MIN_BYTES ? 2 : 0;
}

async function resolveTenant(db: Db, slug: string | undefined): Promise<{ id: string; slug: string }> {
  const tenants = await db.selectFrom('tenant').select(['id', 'slug']).orderBy('created_at').execute();
  if (slug !== undefined) {
    const t = tenants.find((x) => x.slug === slug);
    if (!t)
      throw new Error(
        `There is no program "${slug}"; programs: ${tenants.map((x) => x.slug).join(', ') || '(none)'}.`,
      );
    return t;
  }
  if (tenants.length === 1 && tenants[0]) return tenants[0];
  if (tenants.length === 0) {
    throw new Error(
      'The database has no program yet: start the server once (kopilka serve) so it creates one.',
    );
  }
  throw new Error(
    `Several programs share this database; choose one with --tenant (${tenants.map((x) => x.slug).join(', ')}).`,
  );
}

const fmt = (n: number) => n.toLocaleString('en-US');
const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * A progress bar on stderr while a file is read, when stderr is a terminal (redrawn in place);
 * nothing otherwise (logs get the commands' own progress lines). `clear` wipes the bar so that a
 * problem line can be printed, the next tick draws it again.
 */
function startProgressBar(file: ReadStream, totalBytes: number, status: () => string) {
  const tty = Boolean(process.stderr.isTTY) && totalBytes > 0;
  const started = Date.now();
  let drawn = false;
  const draw = () => {
    const fraction = Math.min(1, file.bytesRead / totalBytes);
    const width = 30;
    const filled = Math.round(fraction * width);
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    process.stderr.write(
      `\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${secs} s  ${status()}\x1b[K`,
    );
    drawn = true;
  };
  const timer = tty ? setInterval(draw, 250) : undefined;
  timer?.unref();
  return {
    clear() {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
    stop() {
      if (timer) clearInterval(timer);
      if (tty) {
        draw();
        process.stderr.write('\n');
      }
    },
  };
}

type RowProblem = { line: number; outcome: string; reason: string; memberId?: string };

/**
 * Where the rows that were not imported go: every one to the --report CSV, and to stderr — all
 * but the rows of the `quiet` outcome (members that exist already, rows credited before) beyond
 * the first 20, which a re-run of a big file would otherwise print by the million.
 */
function createProblemLog(opts: {
  reportPath: string | undefined;
  quiet: string;
  quietWhat: string;
  label: (outcome: string) => string;
  beforePrint: () => void;
}) {
  const file = opts.reportPath ? createWriteStream(opts.reportPath) : undefined;
  file?.write('line,outcome,reason,memberId\n');
  let shown = 0;
  let hidden = 0;
  return {
    write(p: RowProblem) {
      file?.write(`${p.line},${p.outcome},${csvCell(p.reason)},${p.memberId ?? ''}\n`);
      if (p.outcome === opts.quiet && shown >= SHOWN_QUIET) {
        hidden++;
        return;
      }
      if (p.outcome === opts.quiet) shown++;
      opts.beforePrint();
      process.stderr.write(`line ${p.line}: ${opts.label(p.outcome)}: ${p.reason}\n`);
    },
    summary() {
      if (hidden === 0) return;
      process.stderr.write(
        `… and ${fmt(hidden)} more rows ${opts.quietWhat}${opts.reportPath ? ` (all in ${opts.reportPath})` : ' (use --report FILE for the full list)'}\n`,
      );
    },
    close: () => (file ? new Promise<void>((r) => file.end(r)) : Promise.resolve()),
  };
}

function warnIfEmbedded(handle: DatabaseHandle) {
  if (handle.engine === 'pglite') {
    process.stderr.write(
      'Using the embedded database (KOPILKA_DATA_DIR). Stop the server first: it cannot be opened by two processes.\n',
    );
  }
}

export async function runImportCommand(
  args: string[],
  config: Config,
  withDatabase: WithDatabase,
): Promise<number> {
  let parsed: ReturnType<typeof parseImportArgs>;
  try {
    parsed = parseImportArgs(args);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${IMPORT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [what, file] = positionals;
  if ((what !== 'members' && what !== 'balances') || !file) {
    process.stderr.write(IMPORT_USAGE);
    return 2;
  }
  if (!existsSync(file)) {
    process.stderr.write(`File not found: ${file}\n`);
    return 2;
  }
  if (what === 'balances') return runBalanceImport(file, values, config, withDatabase);
  const fileBytes = statSync(file).size;
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isSafeInteger(workers) && workers >= 0 && workers <= 16)) {
    process.stderr.write('--workers must be a whole number from 0 to 16\n');
    return 2;
  }
  return withDatabase(config, async (handle) => {
    warnIfEmbedded(handle);
    const tenant = await resolveTenant(handle.db, values.tenant);
    const input = createReadStream(file);
    let rowsRead = 0;
    let invalidRows = 0;
    const bar = startProgressBar(
      input,
      fileBytes,
      () => `${fmt(rowsRead)} rows read, ${fmt(invalidRows)} invalid`,
    );
    const problems = createProblemLog({
      reportPath: values.report,
      quiet: 'exists',
      quietWhat: 'whose members already exist',
      label: (o) => (o === 'invalid' ? 'invalid' : o === 'duplicate' ? 'duplicate' : 'skipped'),
      beforePrint: () => bar.clear(),
    });
    const onProblem = (p: ImportProblem) => {
      if (p.outcome === 'invalid') invalidRows++;
      problems.write(p);
    };
    const copyClients: pg.Client[] = [];
    const started = Date.now();
    let lastTick = 0;
    try {
      const report = await importMembers({
        db: handle.db,
        engine: handle.engine,
        tenantId: tenant.id,
        input,
        now: new Date(),
        // --workers: parse in threads and, for a big file into a smaller program, load it
        // directly (import-members-bulk.ts): less PostgreSQL CPU, more CPU here. By default
        // only a big file on PostgreSQL gets them (a worker costs ~0.5 s to start).
        parseWorkers: workers ?? defaultParseWorkers(handle.engine, fileBytes),
        inputBytes: fileBytes,
        onProblem,
        onProgress: (p) => {
          rowsRead = p.rows;
          const t = Date.now();
          if (p.phase === 'reading' && (process.stderr.isTTY || t - lastTick < 1000)) return;
          if (p.phase !== 'reading') bar.stop();
          lastTick = t;
          const secs = ((t - started) / 1000).toFixed(1);
          process.stderr.write(
            p.phase === 'reading'
              ? `  ${secs} s: read ${fmt(p.rows)} rows (${fmt(p.invalid)} invalid)\n`
              : p.phase === 'merging'
                ? `  ${secs} s: read ${fmt(p.rows)} rows; adding them to the program…\n`
                : p.phase === 'reporting'
                  ? `  ${secs} s: listing the rows that were not imported…\n`
                  : '',
          );
        },
        actor: { actorType: 'system', actorId: 'cli' },
        ...(config.DATABASE_URL
          ? {
              copyConnection: async () => {
                const c = new pg.Client({ connectionString: config.DATABASE_URL });
                await c.connect();
                copyClients.push(c);
                return c;
              },
            }
          : {}),
      });
      problems.summary();
      if (report.ignoredColumns.length > 0) {
        process.stderr.write(`Ignored unknown columns: ${report.ignoredColumns.join(', ')}\n`);
      }
      process.stdout.write(
        [
          `Imported ${file} into program "${tenant.slug}" in ${report.seconds.toFixed(1)} s (import ${report.importId}):`,
          `  rows read            ${fmt(report.rows)}`,
          `  members created      ${fmt(report.created)}`,
          `  already existed      ${fmt(report.existing)}`,
          `  duplicates in file   ${fmt(report.duplicates)}`,
          `  invalid rows         ${fmt(report.invalid)}`,
          `  cards issued         ${fmt(report.cardsIssued)}`,
          `  consents recorded    ${fmt(report.consents)}`,
          '',
        ].join('\n'),
      );
      return 0;
    } finally {
      bar.stop();
      for (const c of copyClients) await c.end().catch(() => undefined);
      await problems.close();
    }
  });
}

function parseImportArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      tenant: { type: 'string' },
      report: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      batch: { type: 'string' },
      workers: { type: 'string' },
    },
    allowPositionals: true,
  });
}

async function runBalanceImport(
  file: string,
  values: ReturnType<typeof parseImportArgs>['values'],
  config: Config,
  withDatabase: WithDatabase,
): Promise<number> {
  const batchSize = values.batch === undefined ? undefined : Number(values.batch);
  if (
    batchSize !== undefined &&
    !(Number.isSafeInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000)
  ) {
    process.stderr.write('--batch must be a whole number from 1 to 10000\n');
    return 2;
  }
  const dryRun = values['dry-run'] ?? false;
  return withDatabase(config, async (handle) => {
    warnIfEmbedded(handle);
    const tenant = await resolveTenant(handle.db, values.tenant);
    const input = createReadStream(file);
    let progress = { rows: 0, credited: 0, problems: 0 };
    const bar = startProgressBar(
      input,
      statSync(file).size,
      () =>
        `${fmt(progress.rows)} rows, ${fmt(progress.credited)} ${dryRun ? 'to credit' : 'credited'}, ${fmt(progress.problems)} not`,
    );
    const problems = createProblemLog({
      reportPath: values.report,
      quiet: 'already_imported',
      quietWhat: 'credited by an earlier import',
      label: (o) => (o === 'invalid' ? 'invalid' : o === 'unknown_member' ? 'unknown member' : 'skipped'),
      beforePrint: () => bar.clear(),
    });
    const onProblem = (p: BalanceImportProblem) => problems.write(p);
    const started = Date.now();
    let lastTick = started;
    try {
      const report = await importBalances({
        db: handle.db,
        tenantId: tenant.id,
        input,
        now: new Date(),
        dryRun,
        ...(batchSize !== undefined ? { batchSize } : {}),
        onProblem,
        onProgress: (p) => {
          progress = p;
          const t = Date.now();
          if (process.stderr.isTTY || t - lastTick < 5000) return;
          lastTick = t;
          const secs = (t - started) / 1000;
          process.stderr.write(
            `  ${secs.toFixed(1)} s: ${fmt(p.rows)} rows (${fmt(Math.round(p.rows / secs))}/s), ${fmt(p.credited)} credited\n`,
          );
        },
        actor: { actorType: 'system', actorId: 'cli' },
      });
      bar.stop();
      problems.summary();
      if (report.ignoredColumns.length > 0) {
        process.stderr.write(`Ignored unknown columns: ${report.ignoredColumns.join(', ')}\n`);
      }
      const points = Object.entries(report.points)
        .map(([currency, n]) => `${fmt(n)} ${currency}`)
        .join(', ');
      const rate = report.rows / Math.max(report.seconds, 0.001);
      process.stdout.write(
        [
          `${dryRun ? 'Checked (dry run, nothing credited)' : 'Imported'} ${file} into program "${tenant.slug}" in ${report.seconds.toFixed(1)} s, ${fmt(Math.round(rate))} rows/s (import ${report.importId}):`,
          `  rows read                ${fmt(report.rows)}`,
          `  ${dryRun ? 'rows to credit    ' : 'rows credited    '}       ${fmt(report.credited)}${points ? ` (${points})` : ''}`,
          `  already imported before  ${fmt(report.alreadyImported)}`,
          `  unknown members          ${fmt(report.unknownMembers)}`,
          `  invalid rows             ${fmt(report.invalid)}`,
          '',
        ].join('\n'),
      );
      return 0;
    } finally {
      bar.stop();
      await problems.close();
    }
  });
}

export async function runExportCommand(
  args: string[],
  config: Config,
  withDatabase: WithDatabase,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { tenant: { type: 'string' }, currency: { type: 'string' } },
    allowPositionals: true,
  });
  const [what, file] = positionals;
  if ((what !== 'members' && what !== 'balances') || !file) {
    process.stderr.write(EXPORT_USAGE);
    return 2;
  }
  if (values.currency !== undefined && !(BALANCE_CURRENCIES as readonly string[]).includes(values.currency)) {
    process.stderr.write(`--currency must be one of ${BALANCE_CURRENCIES.join(', ')}\n`);
    return 2;
  }
  return withDatabase(config, async (handle) => {
    warnIfEmbedded(handle);
    const tenant = await resolveTenant(handle.db, values.tenant);
    const started = Date.now();
    const secs = () => ((Date.now() - started) / 1000).toFixed(1);
    if (what === 'balances') {
      const { rows, members } = await exportBalances(handle.db, tenant.id, createWriteStream(file), {
        now: new Date(),
        currency: values.currency,
        onProgress: (n) => {
          if (n % 100_000 === 0) process.stderr.write(`  exported the balances of ${fmt(n)} members\n`);
        },
      });
      process.stdout.write(
        `Exported ${fmt(rows)} balances of ${fmt(members)} members of program "${tenant.slug}" to ${file} in ${secs()} s.\n`,
      );
      return 0;
    }
    const { rows } = await exportMembers(handle.db, tenant.id, createWriteStream(file), (n) => {
      if (n % 100_000 === 0) process.stderr.write(`  exported ${fmt(n)} members\n`);
    });
    process.stdout.write(
      `Exported ${fmt(rows)} members of program "${tenant.slug}" to ${file} in ${secs()} s.\n`,
    );
    return 0;
  });
}
