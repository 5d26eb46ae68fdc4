import type { FastifyInstance } from 'fastify';
import { loadDemoActivity, setUpDemoProgram } from '../capabilities/demo/demo-program';
import { jobDefinitions } from '../capabilities/index';
import { bootstrapIfEmpty, formatBootstrapBanner } from '../platform/bootstrap';
import type { Config } from '../platform/config';
import { type DatabaseHandle, openDatabase } from '../platform/db';
import { buildApp } from '../platform/http';
import { createJobRunner, type JobRunner } from '../platform/jobs';
import { createLogger } from '../platform/logger';
import { migrateToLatest } from '../platform/migrate';

export type RunningServer = {
  app: FastifyInstance;
  handle: DatabaseHandle;
  jobs: JobRunner;
  url: string;
  stop: () => Promise<void>;
};

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger(config);
  const handle = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.KOPILKA_DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    acquireTimeoutMs: config.DATABASE_ACQUIRE_TIMEOUT_MS,
    queueBudgetMs: config.DATABASE_QUEUE_BUDGET_MS,
    pgliteSharedBuffersMb: config.KOPILKA_PGLITE_SHARED_BUFFERS_MB,
  });
  logger.info(
    { engine: handle.engine, dataDir: handle.engine === 'pglite' ? config.KOPILKA_DATA_DIR : undefined },
    'database opened',
  );
  await migrateToLatest(handle.db);

  const now = () => new Date();
  const jobs = createJobRunner({ db: handle.db, logger, jobs: jobDefinitions });
  const app = await buildApp({ db: handle.db, engine: handle.engine, config, logger, now, jobs });

  const boot = await bootstrapIfEmpty(handle.db, config);
  let demoLoading: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const port = (app.server.address() as { port: number } | null)?.port ?? config.PORT;
  const url = config.KOPILKA_PUBLIC_URL ?? `http://localhost:${port}/`;
  if (boot.created) {
    if (config.KOPILKA_DEMO) {
      // Settings first (before anyone can change them), then months of activity in the background:
      // the console and API are usable at once and fill up within a minute.
      const demo = {
        db: handle.db,
        tenantId: boot.tenantId,
        logger,
        now: now(),
        jobs: jobDefinitions,
        shouldStop: () => stopping !== null,
      };
      await setUpDemoProgram(demo);
      const started = Date.now();
      demoLoading = loadDemoActivity(demo).then(
        (summary) =>
          logger.info(
            { ...summary, seconds: Math.round((Date.now() - started) / 100) / 10 },
            'demo program ready (set KOPILKA_DEMO=0 to skip it)',
          ),
        (err: unknown) =>
          logger.error({ err }, 'loading the demo program failed; the platform works without it'),
      );
    }
    process.stdout.write(
      `\n${formatBootstrapBanner(boot, url)}\n${config.KOPILKA_DEMO ? ' The demo coffee chain (members, three months of receipts) is loading in the background.\n' : ''}\n`,
    );
  }
  logger.info({ address, url }, 'Kopilka is listening');
  if (config.KOPILKA_JOBS) jobs.start(config.KOPILKA_JOBS_INTERVAL_SECONDS, now);

  const stop = () => {
    stopping ??= (async () => {
      await jobs.stop();
      await app.close();
      await demoLoading;
      await handle.close();
    })();
    return stopping;
  };
  return { app, handle, jobs, url, stop };
}
