import { createRequire } from 'node:module';
import { type Logger, pino } from 'pino';
import type { Config } from './config';

export type { Logger };

// JSON lines for machines (production, CI, pipes); readable lines when a person watches a terminal.
export function createLogger(config: Pick<Config, 'LOG_LEVEL'> & { NODE_ENV?: string }): Logger {
  const pretty =
    process.stdout.isTTY === true &&
    config.NODE_ENV !== 'production' &&
    config.LOG_LEVEL !== 'silent' &&
    hasPrettyPrinter();
  return pino({
    level: config.LOG_LEVEL,
    base: { service: 'kopilka' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.otp'],
      remove: true,
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  });
}

function hasPrettyPrinter(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty'); // a dev dependency: absent in slim installs
    return true;
  } catch {
    return false;
  }
}
