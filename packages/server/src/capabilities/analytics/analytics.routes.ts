import { Type } from '@sinclair/typebox';
import { principalOf, type RoutePlugin } from '../../platform/route-plugin';
import { errorResponses, IsoDateTime } from '../../platform/schemas';
import { computeDashboard, MAX_DASHBOARD_DAYS, resolveDashboardRange } from './analytics.service';

const Int = (description?: string) => Type.Integer(description ? { description } : {});
const Group = Type.Object({
  receipts: Int(),
  revenueMinor: Int('Money paid (payable less refunds), minor units'),
  avgCheckMinor: Int('revenueMinor / receipts, rounded half up'),
});

const DashboardSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timezone: Type.String({ description: "The program's time zone; series days are its calendar days" }),
  currency: Type.String(),
  pointValueMinor: Int(),
  members: Type.Object({
    total: Int('Members not erased and not merged into another member'),
    newInPeriod: Int('Members who joined in the period (merged duplicates not counted)'),
    active30: Int('Members with a receipt in the 30 days before `to`'),
    active90: Int('Members with a receipt in the 90 days before `to`'),
  }),
  receipts: Type.Object({ members: Group, anonymous: Group }),
  points: Type.Object({
    issued: Int('Earned on receipts in the period, less revocations by refunds'),
    spent: Int('Paid with points in the period, less points returned by refunds'),
    expired: Int(),
    adjusted: Int('Manual adjustments, net'),
    outstanding: Int('Spendable points held by members now'),
    pending: Int('Earned points not yet spendable now'),
    liabilityMinor: Int('(outstanding + pending) × pointValueMinor'),
  }),
  series: Type.Array(
    Type.Object({
      date: Type.String({ description: 'YYYY-MM-DD' }),
      receiptsMembers: Int(),
      receiptsAnonymous: Int(),
      revenueMembersMinor: Int(),
      revenueAnonymousMinor: Int(),
      newMembers: Int('Members who joined that day (merged duplicates not counted)'),
      pointsIssued: Int(),
      pointsSpent: Int(),
      pointsExpired: Int(),
    }),
  ),
});

export const analyticsRoutes: RoutePlugin = (deps) => async (app) => {
  app.get(
    '/analytics/dashboard',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Program figures for the console dashboard',
        description:
          'Members (total, new, active in 30/90 days; a merged duplicate counts as its survivor), ' +
          'receipts and revenue of members vs anonymous buyers, ' +
          'average check, points issued / spent / expired in the period and outstanding now with the liability in ' +
          `money, and a per-day series. Default period: the 30 days before now; at most ${MAX_DASHBOARD_DAYS} days.`,
        querystring: Type.Object({
          from: Type.Optional(IsoDateTime('Start of the period (inclusive)')),
          to: Type.Optional(IsoDateTime('End of the period (exclusive); default now')),
        }),
        response: { 200: DashboardSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request, 'analytics:read');
      const range = resolveDashboardRange(request.query, deps.now());
      return computeDashboard(deps.db, p.tenantId, range);
    },
  );
};
