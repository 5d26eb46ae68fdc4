import { afterEach, describe, expect, it } from 'vitest';
import { hasPostgres } from '../../testing/engines';
import { AdmissionPool } from '../admission-pool';
import { isPoolExhausted } from '../db';

// Load shedding needs a real pool of real connections: PostgreSQL only (the embedded engine is
// one connection in-process and has no pool to shed at).
describe.skipIf(!hasPostgres())('admission pool (PostgreSQL)', () => {
  const url = process.env.TEST_DATABASE_URL ?? '';
  let pool: AdmissionPool | undefined;
  afterEach(async () => {
    await pool?.end();
    pool = undefined;
  });

  /** Holds one connection for `ms` (checked out as Kysely does) and reports when it was refused or done. */
  const hold = async (p: AdmissionPool, ms: number) => {
    const asked = performance.now();
    try {
      const client = await p.connect();
      try {
        await client.query(`select pg_sleep(${ms / 1000})`);
      } finally {
        client.release();
      }
      return { ok: true, after: performance.now() - asked };
    } catch (err) {
      return { ok: false, exhausted: isPoolExhausted(err), after: performance.now() - asked };
    }
  };

  it('refuses at once the requests whose expected wait is over the budget, and serves the rest', async () => {
    pool = new AdmissionPool({ connectionString: url, max: 2 }, 300);
    // Teach the pool how long a connection is held (~100 ms).
    await Promise.all([hold(pool, 100), hold(pool, 100)]);
    expect(pool.stats().holdMs).toBeGreaterThanOrEqual(90);
    // 20 requests at once on 2 connections: a plain queue would make the last wait ~1 s.
    const results = await Promise.all(Array.from({ length: 20 }, () => hold(pool!, 100)));
    const served = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    // 2 run at once, and the queue admits requests while (waiting + 1) × 100 / 2 ≤ 300: 5 more.
    expect(served.length).toBeGreaterThanOrEqual(4);
    expect(served.length).toBeLessThanOrEqual(10);
    expect(refused.length).toBe(20 - served.length);
    expect(refused.every((r) => r.exhausted)).toBe(true);
    // Refused at admission, not after waiting.
    expect(Math.max(...refused.map((r) => r.after))).toBeLessThan(100);
    expect(pool.stats().shed).toBe(refused.length);
  });

  it('queues everyone when no budget is set', async () => {
    pool = new AdmissionPool({ connectionString: url, max: 2 }, 0);
    await Promise.all([hold(pool, 50), hold(pool, 50)]);
    const results = await Promise.all(Array.from({ length: 10 }, () => hold(pool!, 50)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(pool.stats().shed).toBe(0);
  });

  it('does not refuse while there is no queue, however slow the connections are', async () => {
    pool = new AdmissionPool({ connectionString: url, max: 2 }, 10);
    await Promise.all([hold(pool, 100), hold(pool, 100)]);
    // Each request finds a free connection: 100 ms holds are far over the 10 ms budget, but nobody waits.
    for (let i = 0; i < 3; i++) expect((await hold(pool, 20)).ok).toBe(true);
    expect(pool.stats().shed).toBe(0);
  });
});
