import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { getCurrentProgram } from '../program/program.service';

// Dashboard figures for the console, computed set-based in the database (one pass per table over
// the period), tenant-scoped. Days are calendar days in the program's time zone.

export const MAX_DASHBOARD_DAYS = 400;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ReceiptGroupFigures = { receipts: number; revenueMinor: number; avgCheckMinor: number };

export type DashboardDay = {
  date: string;
  receiptsMembers: number;
  receiptsAnonymous: number;
  revenueMembersMinor: number;
  revenueAnonymousMinor: number;
  newMembers: number;
  pointsIssued: number;
  pointsSpent: number;
  pointsExpired: number;
};

export type Dashboard = {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  pointValueMinor: number;
  members: { total: number; newInPeriod: number; active30: number; active90: number };
  receipts: { members: ReceiptGroupFigures; anonymous: ReceiptGroupFigures };
  points: {
    issued: number;
    spent: number;
    expired: number;
    adjusted: number;
    outstanding: number;
    pending: number;
    liabilityMinor: number;
  };
  series: DashboardDay[];
};

const n = (v: unknown): number => {
  const x = Number(v ?? 0);
  if (!Number.isSafeInteger(x)) throw new RangeError(`dashboard figure ${String(v)} is not a safe integer`);
  return x;
};

function group(receipts: number, revenueMinor: number): ReceiptGroupFigures {
  // Average check rounded half up to the kopeck; integers only.
  const avgCheckMinor = receipts === 0 ? 0 : Math.floor((2 * revenueMinor + receipts) / (2 * receipts));
  return { receipts, revenueMinor, avgCheckMinor };
}

const ISSUED = sql`coalesce(sum(points) filter (where kind in ('accrue', 'revoke', 'refund_revoke')), 0)`;
const SPENT = sql`coalesce(-sum(points) filter (where kind in ('spend', 'return_spend', 'refund_return')), 0)`;
const EXPIRED = sql`coalesce(-sum(points) filter (where kind = 'expire'), 0)`;
const ADJUSTED = sql`coalesce(sum(points) filter (where kind = 'adjust'), 0)`;

export function resolveDashboardRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw new AppError('validation_failed', 'The period is empty: "from" must be earlier than "to".', [
      { field: 'querystring.from', message: 'must be earlier than to' },
    ]);
  }
  if (to.getTime() - from.getTime() > MAX_DASHBOARD_DAYS * DAY_MS) {
    throw new AppError(
      'validation_failed',
      `The period is too long: at most ${MAX_DASHBOARD_DAYS} days fit on the dashboard.`,
      [{ field: 'querystring.from', message: `period longer than ${MAX_DASHBOARD_DAYS} days` }],
    );
  }
  return { from, to };
}

export async function computeDashboard(
  db: DbOrTrx,
  tenantId: string,
  range: { from: Date; to: Date },
): Promise<Dashboard> {
  const { program } = await getCurrentProgram(db, tenantId);
  const tz = program.timezone;
  const { from, to } = range;
  const since30 = new Date(to.getTime() - 30 * DAY_MS);
  const since90 = new Date(to.getTime() - 90 * DAY_MS);

  // A merged duplicate is the same person as its survivor: not a member of its own, and not a new
  // one. Figures from receipts need no such filter, since a merge moves the receipts to the survivor.
  const members = await sql<{ total: unknown; new_in_period: unknown }>`
    select count(*) filter (where status <> 'anonymized') as total,
           count(*) filter (where created_at >= ${from} and created_at < ${to}) as new_in_period
      from member where tenant_id = ${tenantId} and status <> 'merged'`.execute(db);

  const active = await sql<{ active30: unknown; active90: unknown }>`
    select count(distinct member_id) filter (where occurred_at >= ${since30}) as active30,
           count(distinct member_id) as active90
      from receipt
     where tenant_id = ${tenantId} and member_id is not null and status <> 'cancelled'
       and occurred_at >= ${since90} and occurred_at < ${to}`.execute(db);

  // Revenue is the money actually paid: payable less what refunds gave back; cancelled receipts drop out.
  const receipts = await sql<{ is_member: boolean; receipts: unknown; revenue: unknown }>`
    select (member_id is not null) as is_member, count(*) as receipts,
           coalesce(sum(payable_minor - refunded_amount_minor), 0)::bigint as revenue
      from receipt
     where tenant_id = ${tenantId} and status <> 'cancelled'
       and occurred_at >= ${from} and occurred_at < ${to}
     group by 1`.execute(db);

  // The members' history entries carry the business time of each movement: accruals less
  // revocations by refunds, spends less returns by refunds, expiries, manual adjustments.
  // Activations only move points from pending to available and are left out.
  const points = await sql<{
    issued: unknown;
    spent: unknown;
    expired: unknown;
    adjusted: unknown;
  }>`
    select ${ISSUED}::bigint as issued, ${SPENT}::bigint as spent,
           ${EXPIRED}::bigint as expired, ${ADJUSTED}::bigint as adjusted
      from ledger_entry
     where tenant_id = ${tenantId} and currency = 'points' and at >= ${from} and at < ${to}`.execute(db);

  const balances = await sql<{ available: unknown; pending: unknown }>`
    select coalesce(sum(balance) filter (where kind = 'available'), 0)::bigint as available,
           coalesce(sum(balance) filter (where kind = 'pending'), 0)::bigint as pending
      from account
     where tenant_id = ${tenantId} and member_id is not null and currency = 'points'`.execute(db);

  const series = await sql<{
    day: string;
    receipts_members: unknown;
    receipts_anonymous: unknown;
    revenue_members: unknown;
    revenue_anonymous: unknown;
    new_members: unknown;
    points_issued: unknown;
    points_spent: unknown;
    points_expired: unknown;
  }>`
    with days as (
      select d::date as day
        from generate_series((${from}::timestamptz at time zone ${tz})::date,
                             ((${to}::timestamptz - interval '1 microsecond') at time zone ${tz})::date,
                             interval '1 day') as d
    ),
    r as (
      select (occurred_at at time zone ${tz})::date as day,
             count(*) filter (where member_id is not null) as receipts_members,
             count(*) filter (where member_id is null) as receipts_anonymous,
             coalesce(sum(payable_minor - refunded_amount_minor) filter (where member_id is not null), 0) as revenue_members,
             coalesce(sum(payable_minor - refunded_amount_minor) filter (where member_id is null), 0) as revenue_anonymous
        from receipt
       where tenant_id = ${tenantId} and status <> 'cancelled' and occurred_at >= ${from} and occurred_at < ${to}
       group by 1
    ),
    m as (
      select (created_at at time zone ${tz})::date as day, count(*) as new_members
        from member
       where tenant_id = ${tenantId} and status <> 'merged' and created_at >= ${from} and created_at < ${to}
       group by 1
    ),
    pt as (
      select (at at time zone ${tz})::date as day, ${ISSUED} as points_issued, ${SPENT} as points_spent,
             ${EXPIRED} as points_expired
        from ledger_entry
       where tenant_id = ${tenantId} and currency = 'points' and at >= ${from} and at < ${to}
       group by 1
    )
    select to_char(days.day, 'YYYY-MM-DD') as day,
           coalesce(r.receipts_members, 0)::bigint as receipts_members,
           coalesce(r.receipts_anonymous, 0)::bigint as receipts_anonymous,
           coalesce(r.revenue_members, 0)::bigint as revenue_members,
           coalesce(r.revenue_anonymous, 0)::bigint as revenue_anonymous,
           coalesce(m.new_members, 0)::bigint as new_members,
           coalesce(pt.points_issued, 0)::bigint as points_issued,
           coalesce(pt.points_spent, 0)::bigint as points_spent,
           coalesce(pt.points_expired, 0)::bigint as points_expired
      from days
      left join r on r.day = days.day
      left join m on m.day = days.day
      left join pt on pt.day = days.day
     order by days.day`.execute(db);

  const mRow = members.rows[0];
  const aRow = active.rows[0];
  const pRow = points.rows[0];
  const bRow = balances.rows[0];
  const memberGroup = receipts.rows.find((r) => r.is_member);
  const anonGroup = receipts.rows.find((r) => !r.is_member);
  const outstanding = n(bRow?.available);
  const pending = n(bRow?.pending);

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    timezone: tz,
    currency: program.currency,
    pointValueMinor: program.pointValueMinor,
    members: {
      total: n(mRow?.total),
      newInPeriod: n(mRow?.new_in_period),
      active30: n(aRow?.active30),
      active90: n(aRow?.active90),
    },
    receipts: {
      members: group(n(memberGroup?.receipts), n(memberGroup?.revenue)),
      anonymous: group(n(anonGroup?.receipts), n(anonGroup?.revenue)),
    },
    points: {
      issued: n(pRow?.issued),
      spent: n(pRow?.spent),
      expired: n(pRow?.expired),
      adjusted: n(pRow?.adjusted),
      outstanding,
      pending,
      // What the program owes its members if every point were spent (a balance-sheet item).
      liabilityMinor: (outstanding + pending) * program.pointValueMinor,
    },
    series: series.rows.map((r) => ({
      date: r.day,
      receiptsMembers: n(r.receipts_members),
      receiptsAnonymous: n(r.receipts_anonymous),
      revenueMembersMinor: n(r.revenue_members),
      revenueAnonymousMinor: n(r.revenue_anonymous),
      newMembers: n(r.new_members),
      pointsIssued: n(r.points_issued),
      pointsSpent: n(r.points_spent),
      pointsExpired: n(r.points_expired),
    })),
  };
}
