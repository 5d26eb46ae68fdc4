import { parseArgs } from 'node:util';
import { jobDefinitions } from '../capabilities/index';
import { verifyLedger } from '../capabilities/ledger/ledger-verify.service';
import { runExportCommand, runImportCommand } from '../capabilities/members/members.cli';
import { getCurrentProgram } from '../capabilities/program/program.service';
import { type Config, ConfigError, loadConfig } from '../platform/config';
import { openDatabase } from '../platform/db';
import { createJobRunner } from '../platform/jobs';
import { createLogger } from '../platform/logger';
import { migrateToLatest } from '../platform/migrate';
import { startServer } from './server';

const HELP = `Kopilka — loyalty platform

Usage: kopilka <command> [options]

Commands:
  serve                    Run the API, web console and scheduled jobs (default)
  migrate                  Apply database migrations and exit
  jobs run [--at ISO]      Run every scheduled job due at that instant (default: now)
  ledger verify            Prove the ledger invariants; exit 1 with a report if any fails
  import members FILE.csv  Import members from CSV [--tenant SLUG] [--report REPORT.csv] [--workers N]
  import balances FILE.csv Credit points balances from CSV (another program's), once per row
                           [--tenant SLUG] [--report REPORT.csv] [--dry-run]
  export members FILE.csv  Export members to CSV [--tenant SLUG]
  export balances FILE.csv Export every member's balances to CSV [--tenant SLUG] [--currency C]
  help                     Show this help

Environment: PORT, HOST, DATABASE_URL (PostgreSQL; otherwise embedded PGlite in KOPILKA_DATA_DIR),
KOPILKA_DEMO, KOPILKA_INIT_API_KEY, KOPILKA_INIT_ADMIN_EMAIL, KOPILKA_INIT_ADMIN_PASSWORD, LOG_LEVEL.
`;

async function withDatabase<T>(
  config: Config,
  fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.KOPILKA_DATA_DIR,
    poolSize: 4,
    pgliteSharedBuffersMb: config.KOPILKA_PGLITE_SHARED_BUFFERS_MB,
  });
  try {
    await migrateToLatest(handle.db);
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

export const cliCommands: Record<string, (args: string[], config: Config) => Promise<number>> = {
  async serve(_args, config) {
    const server = await startServer(config);
    const shutdown = (signal: string) => {
      server.app.log.info({ signal }, 'shutting down');
      server.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return new Promise<number>(() => {}); // runs until a signal
  },
  async migrate(_args, config) {
    await withDatabase(config, async () => undefined);
    process.stdout.write('Migrations are up to date.\n');
    return 0;
  },
  async jobs(args, config) {
    const { values, positionals } = parseArgs({
      args,
      options: { at: { type: 'string' } },
      allowPositionals: true,
    });
    if (positionals[0] !== 'run') {
      process.stderr.write('Usage: kopilka jobs run [--at 2026-12-07T00:00:00Z]\n');
      return 2;
    }
    const at = values.at ? new Date(values.at) : new Date();
    if (Number.isNaN(at.getTime())) {
      process.stderr.write(`--at must be an ISO-8601 instant, got "${values.at}"\n`);
      return 2;
    }
    return withDatabase(config, async ({ db }) => {
      const runner = createJobRunner({ db, logger: createLogger(config), jobs: jobDefinitions });
      const ran = await runner.runAll(at);
      process.stdout.write(`${JSON.stringify({ at: at.toISOString(), ran }, null, 2)}\n`);
      return 0;
    });
  },
  async ledger(args, config) {
    if (args[0] !== 'verify') {
      process.stderr.write('Usage: kopilka ledger verify\n');
      return 2;
    }
    return withDatabase(config, async ({ db }) => {
      const report = await verifyLedger(db, {
        policyOf: async (t) => (await getCurrentProgram(db, t)).program.refund.policy,
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      process.stderr.write(
        report.ok
          ? `Ledger OK: ${report.checked.postings} postings, ${report.checked.accounts} accounts, ${report.checked.lots} open lots in ${report.checked.tenants} program(s).\n`
          : `Ledger BROKEN: ${report.problems.length} problem(s); see the report above.\n`,
      );
      return report.ok ? 0 : 1;
    });
  },
  import: (args, config) => runImportCommand(args, config, withDatabase),
  export: (args, config) => runExportCommand(args, config, withDatabase),
  async help() {
    process.stdout.write(HELP);
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  const run = cliCommands[command === '--help' || command === '-h' ? 'help' : command];
  if (!run) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78;
    }
    throw err;
  }
  return run(rest, config);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kopilka: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
