import type { JobDefinition } from '../../platform/jobs';
import { resumeSeriesGeneration } from './coupon-series.service';

export const couponJobs: JobDefinition[] = [
  {
    id: 'coupons.generate',
    description: 'Finish generating coupon series whose generation was interrupted (restart, crash).',
    run: async ({ db, at }) => ({ processed: await resumeSeriesGeneration(db, at) }),
  },
];
