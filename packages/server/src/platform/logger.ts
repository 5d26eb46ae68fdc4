import { type Logger, pino } from 'pino';
import type { Config } from './config';

export type { Logger };

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    base: { service: 'kopilka' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.otp'],
      remove: true,
    },
  });
}
