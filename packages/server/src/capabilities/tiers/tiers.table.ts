import type { Generated, Selectable } from 'kysely';

export type TierLadderTable = {
  tenant_id: string;
  settings: unknown;
  version: number;
  updated_at: Date;
  updated_by: string | null;
  last_full_run_at: Date | null;
};

export type MemberTierTable = {
  tenant_id: string;
  member_id: string;
  tier_code: string;
  source: 'auto' | 'override';
  since: Date;
  override_until: Date | null;
  override_reason: string | null;
  grace_until: Date | null;
  needs_review: Generated<boolean>;
  updated_at: Date;
};

export type MemberTierHistoryTable = {
  id: Generated<number>;
  tenant_id: string;
  member_id: string;
  from_code: string | null;
  to_code: string | null;
  reason: string;
  receipt_id: string | null;
  actor_type: string;
  actor_id: string | null;
  note: string | null;
  at: Date;
};

export type MemberTierRow = Selectable<MemberTierTable>;
export type MemberTierHistoryRow = Selectable<MemberTierHistoryTable>;
