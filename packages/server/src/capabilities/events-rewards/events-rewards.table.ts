import type { ColumnType, Selectable } from 'kysely';

export type EventRewardRuleTable = {
  tenant_id: string;
  id: string;
  event_type: string;
  name: string;
  points: number;
  coupon_series_id: string | null;
  coupon_validity: string;
  max_per_member: number | null;
  period: string;
  active: boolean;
  position: number;
  created_at: Date;
};
export type EventRewardRuleRow = Selectable<EventRewardRuleTable>;

export type MemberEventOutcome = 'rewarded' | 'capped' | 'no_rule';

export type MemberEventTable = {
  tenant_id: string;
  id: string;
  member_id: string;
  type: string;
  dedupe_key: string;
  occurred_at: Date;
  attributes: ColumnType<Record<string, unknown>, unknown, unknown>;
  rule_id: string | null;
  period_key: string | null;
  points: number;
  coupon_code: string | null;
  outcome: MemberEventOutcome;
  created_at: Date;
};
export type MemberEventRow = Selectable<MemberEventTable>;
