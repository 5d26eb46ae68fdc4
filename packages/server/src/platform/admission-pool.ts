import pg from 'pg';

// Load shedding at the connection pool. Every request that touches PostgreSQL checks a connection
// out of the pool; when all are busy it queues. At twice the sustainable rate the queue only
// grows, so a plain queue turns overload into ever longer waits (p99 of seconds) and a bounded
// wait (`connectionTimeoutMillis`) sheds only after a request has already waited that long.
//
// Instead, a request that would have to queue is admitted only if the wait it can expect fits
// the budget: (requests already waiting + 1) × the mean time a connection is held ÷ pool size.
// Otherwise it is refused at once — the HTTP layer answers 503 with Retry-After in well under a
// millisecond — and the requests already queued keep their place. The hold time is a moving
// average over recent checkouts, so the estimate follows the machine's current speed. The
// connection-wait timeout stays as the hard upper bound (e.g. while PostgreSQL restarts).

/** The error of a request refused because the pool's queue is over its budget. */
export const QUEUE_OVER_BUDGET = 'database connection queue is over its wait budget';

const EWMA_WEIGHT = 0.05;

export type AdmissionStats = {
  /** Mean time a connection is held per checkout, ms (moving average). */
  holdMs: number;
  waiting: number;
  /** Requests refused at admission so far. */
  shed: number;
};

export class AdmissionPool extends pg.Pool {
  #holdMs = 0;
  #shed = 0;
  readonly #budgetMs: number;
  readonly #size: number;

  constructor(config: pg.PoolConfig & { max: number }, queueBudgetMs: number) {
    super(config);
    this.#budgetMs = queueBudgetMs;
    this.#size = config.max;
  }

  /** The wait a request arriving now can expect, ms. */
  expectedWaitMs(): number {
    return ((this.waitingCount + 1) * this.#holdMs) / this.#size;
  }

  stats(): AdmissionStats {
    return { holdMs: this.#holdMs, waiting: this.waitingCount, shed: this.#shed };
  }

  // pg.Pool's overloads: the callback form is left as it is (not used by Kysely).
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(
    callback?: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): Promise<pg.PoolClient> | undefined {
    if (callback) {
      super.connect(callback);
      return undefined;
    }
    if (this.#budgetMs > 0 && this.waitingCount > 0 && this.expectedWaitMs() > this.#budgetMs) {
      this.#shed++;
      return Promise.reject(new Error(QUEUE_OVER_BUDGET));
    }
    return super.connect().then((client) => {
      const taken = performance.now();
      const release = client.release;
      // The pool sets `release` afresh on every checkout; this wrapper lives for this one.
      client.release = (err?: Error | boolean) => {
        const held = performance.now() - taken;
        this.#holdMs = this.#holdMs === 0 ? held : this.#holdMs + EWMA_WEIGHT * (held - this.#holdMs);
        client.release = release;
        return release.call(client, err);
      };
      return client;
    });
  }
}
