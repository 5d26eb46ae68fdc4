import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export type Metrics = {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobsProcessed: Counter<'job'>;
};

// A registry per app instance, so that several apps in one test process do not collide.
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'kopilka_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobsProcessed = new Counter({
    name: 'kopilka_job_items_processed_total',
    help: 'Items processed by scheduled jobs',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, jobsProcessed };
}
