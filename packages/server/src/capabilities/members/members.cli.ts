import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Config } from '../../platform/config';
import type { DatabaseHandle, Db } from '../../platform/db';
import { exportMembers } from './export-members.service';
import { type ImportProblem, importMembers } from './import-members.service';

// `kopilka import members FILE.csv` and `kopilka export members FILE.csv`. Both open the database
// directly: with the embedded engine (PGlite) the server must be stopped first, because one data
// directory cannot be opened by two processes.

export type WithDatabase = <T>(config: Config, fn: (handle: DatabaseHandle) => Promise<T>) => Promise<T>;

const IMPORT_USAGE = 'Usage: kopilka import members FILE.csv [--tenant SLUG] [--report REPORT.csv]\n';
const EXPORT_USAGE = 'Usage: kopilka export members FILE.csv [--tenant SLUG]\n';
const SHOWN_EXISTING = 20;

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
  const { values, positionals } = parseArgs({
    args,
    options: { tenant: { type: 'string' }, report: { type: 'string' } },
    allowPositionals: true,
  });
  const [what, file] = positionals;
  if (what !== 'members' || !file) {
    process.stderr.write(IMPORT_USAGE);
    return 2;
  }
  if (!existsSync(file)) {
    process.stderr.write(`File not found: ${file}\n`);
    return 2;
  }
  return withDatabase(config, async (handle) => {
    warnIfEmbedded(handle);
    const tenant = await resolveTenant(handle.db, values.tenant);
    const reportFile = values.report ? createWriteStream(values.report) : undefined;
    reportFile?.write('line,outcome,reason,memberId\n');
    let existingShown = 0;
    let existingHidden = 0;
    const onProblem = (p: ImportProblem) => {
      reportFile?.write(`${p.line},${p.outcome},${csvCell(p.reason)},${p.memberId ?? ''}\n`);
      if (p.outcome === 'exists' && existingShown >= SHOWN_EXISTING) {
        existingHidden++;
        return;
      }
      if (p.outcome === 'exists') existingShown++;
      process.stderr.write(
        `line ${p.line}: ${p.outcome === 'invalid' ? 'invalid' : p.outcome === 'duplicate' ? 'duplicate' : 'skipped'}: ${p.reason}\n`,
      );
    };
    const copyClients: pg.Client[] = [];
    const started = Date.now();
    let lastTick = 0;
    try {
      const report = await importMembers({
        db: handle.db,
        engine: handle.engine,
        tenantId: tenant.id,
        input: createReadStream(file),
        now: new Date(),
        onProblem,
        onProgress: (p) => {
          const t = Date.now();
          if (p.phase === 'reading' && t - lastTick < 1000) return;
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
      if (existingHidden > 0) {
        process.stderr.write(
          `… and ${fmt(existingHidden)} more rows whose members already exist${values.report ? ` (all in ${values.report})` : ' (use --report FILE for the full list)'}\n`,
        );
      }
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
      for (const c of copyClients) await c.end().catch(() => undefined);
      if (reportFile) await new Promise((r) => reportFile.end(r));
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
    options: { tenant: { type: 'string' } },
    allowPositionals: true,
  });
  const [what, file] = positionals;
  if (what !== 'members' || !file) {
    process.stderr.write(EXPORT_USAGE);
    return 2;
  }
  return withDatabase(config, async (handle) => {
    warnIfEmbedded(handle);
    const tenant = await resolveTenant(handle.db, values.tenant);
    const started = Date.now();
    const { rows } = await exportMembers(handle.db, tenant.id, createWriteStream(file), (n) => {
      if (n % 100_000 === 0) process.stderr.write(`  exported ${fmt(n)} members\n`);
    });
    process.stdout.write(
      `Exported ${fmt(rows)} members of program "${tenant.slug}" to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
    return 0;
  });
}
