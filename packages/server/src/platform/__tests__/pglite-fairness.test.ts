import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglite, type DatabaseHandle } from '../db';

// The embedded engine runs in this thread. A job that loops over transactions must still let the
// event loop serve what is waiting (an HTTP request's bytes, a timer) between its transactions,
// or the API stalls until the job ends (seen: a coupon series' progress poll waited 10.8 s).
describe('embedded PGlite: a loop of transactions lets the event loop in', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await createPglite(null);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs a callback scheduled on the event loop before a 50-transaction job ends', async () => {
    let done = 0;
    let seenAt: number | undefined;
    setImmediate(() => {
      seenAt = done;
    });
    for (let i = 0; i < 50; i++) {
      await h.db.transaction().execute((trx) => sql`select ${i}::int as i`.execute(trx));
      done++;
    }
    expect(seenAt).toBeDefined();
    expect(seenAt).toBeLessThan(50);
  });
});
