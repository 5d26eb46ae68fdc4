import type { Config } from './config';
import type { Db, Engine } from './db';
import type { JobRunner } from './jobs';
import type { Logger } from './logger';

// What every route plugin and use case may depend on; passed in explicitly (no decorators).
export type AppDeps = {
  db: Db;
  engine: Engine;
  config: Config;
  logger: Logger;
  now: () => Date;
  jobs: JobRunner;
};
