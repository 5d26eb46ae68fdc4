import type { JobDefinition } from '../../platform/jobs';
import { purgeExpiredVerifications } from './verifications.service';

const KEEP_MS = 24 * 60 * 60 * 1000;

export const verificationJobs: JobDefinition[] = [
  {
    id: 'verifications.purge',
    description:
      'Delete one-time codes that expired more than a day ago (they are personal data and useless)',
    run: async ({ db, at }) => ({
      processed: await purgeExpiredVerifications(db, new Date(at.getTime() - KEEP_MS)),
    }),
  },
];
