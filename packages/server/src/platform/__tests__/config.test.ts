import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.KOPILKA_DATA_DIR).toBe('./.kopilka');
    expect(c.KOPILKA_DEMO).toBe(true);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('coerces numbers and booleans from text', () => {
    const c = loadConfig({ PORT: '3000', KOPILKA_DEMO: '0', LOG_LEVEL: 'warn' });
    expect(c.PORT).toBe(3000);
    expect(c.KOPILKA_DEMO).toBe(false);
    expect(c.LOG_LEVEL).toBe('warn');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ KOPILKA_DEMO: 'maybe' }, 'KOPILKA_DEMO'],
    [{ KOPILKA_INIT_API_KEY: 'short' }, 'KOPILKA_INIT_API_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('names the bad variable %j', (env, name) => {
    try {
      loadConfig(env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain(name);
    }
  });

  it('does not echo secrets in errors', () => {
    try {
      loadConfig({ KOPILKA_INIT_API_KEY: 'tiny-secret' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('tiny-secret');
    }
  });
});
