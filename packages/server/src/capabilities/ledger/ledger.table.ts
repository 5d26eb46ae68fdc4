import type { Generated, Selectable } from 'kysely';

export type AccountTable = {
  id: string;
  tenant_id: string;
  member_id: string | null;
  currency: string;
  kind: string;
  balance: Generated<number>;
  debt: Generated<number>;
  created_at: Generated<Date>;
  /** Set when this member's points live in another member's accounts (household, merge). */
  forwarded_to: string | null;
  /** Why `forwarded_to` is set; null when it is not. */
  forward_reason: ForwardReason | null;
};

/** A household member's points pooled into the household wallet, or a merged duplicate's moved to the survivor's. */
export type ForwardReason = 'household' | 'merge';

export type LotTable = {
  id: string;
  tenant_id: string;
  member_id: string;
  currency: string;
  bucket: 'available' | 'pending';
  amount: number;
  remaining: number;
  activates_at: Date;
  expires_at: Date | null;
  created_at: Date;
  operation_id: string;
  receipt_id: string | null;
};

export type PostingTable = {
  id: Generated<number>;
  tenant_id: string;
  operation_id: string;
  currency: string;
  from_account_id: string;
  to_account_id: string;
  points: number;
  lot_id: string | null;
  member_id: string | null;
  created_at: Generated<Date>;
};

export type LedgerEntryTable = {
  id: Generated<number>;
  tenant_id: string;
  member_id: string;
  currency: string;
  operation_id: string;
  kind: string;
  bucket: string;
  points: number;
  balance_after: number;
  pending_after: number;
  receipt_id: string | null;
  reason: string | null;
  at: Date;
};

export type PointsHoldTable = {
  id: string;
  tenant_id: string;
  member_id: string;
  currency: string;
  points: number;
  lots: unknown;
  receipt_id: string | null;
  expires_at: Date;
  created_at: Generated<Date>;
};

export type AccountRow = Selectable<AccountTable>;
export type LotRow = Selectable<LotTable>;
