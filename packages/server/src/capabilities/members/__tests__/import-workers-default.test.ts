import { describe, expect, it } from 'vitest';
import { AUTO_WORKERS_MIN_BYTES, defaultParseWorkers } from '../members.cli';

describe('kopilka import members without --workers', () => {
  it('parses a big file on PostgreSQL in two worker threads', () => {
    expect(defaultParseWorkers('postgres', AUTO_WORKERS_MIN_BYTES)).toBe(2);
    expect(defaultParseWorkers('postgres', 100 * AUTO_WORKERS_MIN_BYTES)).toBe(2);
  });

  it('parses a small file, or any file into the embedded database, on the importing thread', () => {
    expect(defaultParseWorkers('postgres', AUTO_WORKERS_MIN_BYTES - 1)).toBe(0);
    expect(defaultParseWorkers('postgres', 0)).toBe(0);
    expect(defaultParseWorkers('pglite', 100 * AUTO_WORKERS_MIN_BYTES)).toBe(0);
  });
});
