import type { JobDefinition } from '../../platform/jobs';
import { runBirthdayRewards, runWelcomeRewards } from './events-rewards.service';

export const eventRewardJobs: JobDefinition[] = [
  {
    id: 'event-rewards.welcome',
    description: 'Welcome rewards for members who joined in the last 7 days and have none yet.',
    run: async ({ db, at }) => ({ processed: await runWelcomeRewards(db, at) }),
  },
  {
    id: 'event-rewards.birthday',
    description: "Birthday rewards on the member's birthday (program time zone), once a year.",
    run: async ({ db, at }) => ({ processed: await runBirthdayRewards(db, at) }),
  },
];
