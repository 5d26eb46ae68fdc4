import type { ColumnType, Generated, Selectable } from 'kysely';

export type CouponSeriesKind = 'unique' | 'shared' | 'personal';
export type CouponSeriesStatus = 'generating' | 'ready' | 'failed';

export type CouponSeriesTable = {
  tenant_id: string;
  id: string;
  name: string;
  kind: CouponSeriesKind;
  pattern: string | null;
  requested_count: number;
  generated_count: ColumnType<number, number | undefined, number>;
  status: CouponSeriesStatus;
  starts_at: Date | null;
  ends_at: Date | null;
  uses_per_code: number | null;
  uses_per_member: number | null;
  valid_days: number | null;
  lease_until: Date | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
};
export type CouponSeriesRow = Selectable<CouponSeriesTable>;

export type CouponStatus = 'active' | 'void';

export type CouponTable = {
  tenant_id: string;
  code: string;
  series_id: string;
  member_id: string | null;
  uses: ColumnType<number, number | undefined, number>;
  max_uses: number | null;
  starts_at: Date | null;
  ends_at: Date | null;
  status: ColumnType<CouponStatus, CouponStatus | undefined, CouponStatus>;
  issued_receipt_id: string | null;
  created_at: Generated<Date>;
};
export type CouponRow = Selectable<CouponTable>;

export type CouponMemberUseTable = {
  tenant_id: string;
  series_id: string;
  member_id: string;
  uses: number;
};

export type CouponRedemptionTable = {
  tenant_id: string;
  receipt_id: string;
  code: string;
  series_id: string;
  member_id: string | null;
  created_at: Date;
  released_at: Date | null;
};
