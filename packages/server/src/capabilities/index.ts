import type { JobDefinition } from '../platform/jobs';
import type { RoutePlugin } from '../platform/route-plugin';
import { adminRoutes } from './admin/admin.routes';
import { analyticsRoutes } from './analytics/analytics.routes';
import { auditRoutes } from './audit/audit.routes';
import { cabinetRoutes } from './cabinet/cabinet.routes';
import { campaignRoutes } from './campaigns/campaigns.routes';
import { cardRoutes } from './cards/cards.routes';
import { consentRoutes } from './consents/consents.routes';
import { couponJobs } from './coupons/coupons.jobs';
import { couponRoutes } from './coupons/coupons.routes';
import { eventRewardJobs } from './events-rewards/events-rewards.jobs';
import { eventRewardRoutes } from './events-rewards/events-rewards.routes';
import { ledgerJobs } from './ledger/ledger.jobs';
import { ledgerRoutes } from './ledger/ledger.routes';
import { exportBalancesRoutes } from './members/export-balances.routes';
import { householdRoutes } from './members/households.routes';
import { memberRoutes } from './members/members.routes';
import { memberMergeRoutes } from './members/merge.routes';
import { membershipJobs } from './memberships/memberships.jobs';
import { membershipsRoutes } from './memberships/memberships.routes';
import { programRoutes } from './program/program.routes';
import { receiptsRoutes } from './receipts/receipts.routes';
import { staffRoutes } from './staff/staff.routes';
import { tierJobs } from './tiers/tiers.jobs';
import { tiersRoutes } from './tiers/tiers.routes';
import { verificationJobs } from './verifications/verifications.jobs';
import { verificationRoutes } from './verifications/verifications.routes';

// The composition root for capabilities: their routes (mounted under /v1), their scheduled
// jobs (run in this order for one instant), and their first-start demo loaders.
export const routePlugins: readonly RoutePlugin[] = [
  staffRoutes,
  auditRoutes,
  adminRoutes,
  programRoutes,
  receiptsRoutes,
  ledgerRoutes,
  memberRoutes,
  memberMergeRoutes,
  cardRoutes,
  consentRoutes,
  verificationRoutes,
  householdRoutes,
  exportBalancesRoutes,
  analyticsRoutes,
  cabinetRoutes,
  tiersRoutes,
  membershipsRoutes,
  campaignRoutes,
  couponRoutes,
  eventRewardRoutes,
];

export const jobDefinitions: readonly JobDefinition[] = [
  ...ledgerJobs,
  ...tierJobs,
  ...membershipJobs,
  ...couponJobs,
  ...eventRewardJobs,
  ...verificationJobs,
];
