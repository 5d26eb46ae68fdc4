import type { Db } from './db';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export type JobContext = { db: Db; at: Date; log: Logger };

// A scheduled job: idempotent for a given instant and safe to run on several nodes at once
// (handlers claim work in batches with FOR UPDATE SKIP LOCKED and re-check state per row).
export type JobDefinition = {
  id: string;
  description: string;
  run: (ctx: JobContext) => Promise<{ processed: number }>;
};

export type JobRunResult = { job: string; processed: number };

export type JobRunner = {
  runAll: (at: Date) => Promise<JobRunResult[]>;
  start: (intervalSeconds: number, now: () => Date) => void;
  stop: () => Promise<void>;
  definitions: readonly JobDefinition[];
};

export function createJobRunner(deps: {
  db: Db;
  logger: Logger;
  metrics?: Metrics;
  jobs: readonly JobDefinition[];
}): JobRunner {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  async function runAll(at: Date): Promise<JobRunResult[]> {
    const ran: JobRunResult[] = [];
    for (const job of deps.jobs) {
      const log = deps.logger.child({ job: job.id });
      const started = Date.now();
      const { processed } = await job.run({ db: deps.db, at, log });
      deps.metrics?.jobsProcessed.inc({ job: job.id }, processed);
      if (processed > 0) log.info({ processed, ms: Date.now() - started, at: at.toISOString() }, 'job ran');
      ran.push({ job: job.id, processed });
    }
    return ran;
  }

  function tick(now: () => Date) {
    if (running) return; // never overlap runs in one process
    running = runAll(now())
      .catch((err: unknown) => deps.logger.error({ err }, 'scheduled jobs failed; will retry next tick'))
      .finally(() => {
        running = null;
      });
  }

  return {
    runAll,
    definitions: deps.jobs,
    start(intervalSeconds, now) {
      if (timer) return;
      timer = setInterval(() => tick(now), intervalSeconds * 1000);
      timer.unref();
      tick(now);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
