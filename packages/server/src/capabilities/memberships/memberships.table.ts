import type { ColumnType, Generated, Selectable } from 'kysely';

export type MembershipStatus = 'trial' | 'active' | 'cancelled' | 'expired';

export type MembershipPlanTable = {
  tenant_id: string;
  id: string;
  code: string;
  name: string;
  status: 'active' | 'archived';
  period: 'month' | 'year' | 'lifetime';
  price_minor: number;
  trial_days: number;
  discount_percent: string;
  earn_multiplier: string;
  perks: ColumnType<string[], string[], string[]>;
  max_points_percent: number | null;
  dividend_percent: string | null;
  renewal_notice_days: number;
  created_at: Date;
  updated_at: Date;
};

export type MembershipTable = {
  tenant_id: string;
  id: string;
  member_id: string;
  plan_id: string;
  status: MembershipStatus;
  started_at: Date;
  current_period_start: Date;
  current_period_end: Date | null;
  cancel_at_period_end: Generated<boolean>;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  ended_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

export type MembershipPaymentTable = {
  tenant_id: string;
  id: string;
  membership_id: string;
  member_id: string;
  kind: 'subscribe' | 'renewal';
  payment_reference: string | null;
  amount_minor: number;
  period_start: Date;
  period_end: Date | null;
  dividend_points: Generated<number>;
  paid_at: Date;
};

export type MembershipPlanRow = Selectable<MembershipPlanTable>;
export type MembershipRow = Selectable<MembershipTable>;
export type MembershipPaymentRow = Selectable<MembershipPaymentTable>;
