import type { Generated, Selectable } from 'kysely';

export type CardKind = 'virtual' | 'plastic' | 'external';
export type CardStatus = 'active' | 'blocked' | 'replaced';

export type CardRangeTable = {
  tenant_id: string;
  prefix: string;
  next_serial: number;
};

export type CardBatchTable = {
  id: string;
  tenant_id: string;
  prefix: string;
  first_serial: number;
  count: number;
  note: Generated<string>;
  created_at: Generated<Date>;
};

export type MemberCardTable = {
  tenant_id: string;
  number: string;
  member_id: string | null;
  kind: CardKind;
  status: CardStatus;
  batch_id: string | null;
  bound_at: Generated<Date>;
  blocked_at: Date | null;
  block_reason: string | null;
  replaced_by: string | null;
};

export type CardBatchRow = Selectable<CardBatchTable>;
export type MemberCardRow = Selectable<MemberCardTable>;
