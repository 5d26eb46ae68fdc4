import type { JobDefinition } from '../platform/jobs';
import type { RoutePlugin } from '../platform/route-plugin';
import { adminRoutes } from './admin/admin.routes';
import { auditRoutes } from './audit/audit.routes';
import { ledgerJobs } from './ledger/ledger.jobs';
import { ledgerRoutes } from './ledger/ledger.routes';
import { memberRoutes } from './members/members.routes';
import { programRoutes } from './program/program.routes';
import { receiptsRoutes } from './receipts/receipts.routes';
import { staffRoutes } from './staff/staff.routes';

// The composition root for capabilities: their routes (mounted under /v1), their scheduled
// jobs (run in this order for one instant), and their first-start demo loaders.
export const routePlugins: readonly RoutePlugin[] = [staffRoutes, auditRoutes, adminRoutes, programRoutes, receiptsRoutes, ledgerRoutes, memberRoutes];

export const jobDefinitions: readonly JobDefinition[] = [...ledgerJobs];
