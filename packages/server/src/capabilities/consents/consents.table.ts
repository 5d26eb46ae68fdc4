import type { ColumnType, Generated, Selectable } from 'kysely';

export type ConsentChannel = 'email' | 'sms' | 'push' | 'any';
export type ConsentPurpose = 'marketing' | 'personal_data';
export type ConsentSource = 'till' | 'web' | 'import' | 'api' | 'console';

export type MemberConsentTable = {
  tenant_id: string;
  member_id: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  text_version: string | null;
  source: ConsentSource;
  updated_at: Generated<Date>;
};

export type MemberConsentEventTable = {
  id: Generated<number>;
  tenant_id: string;
  member_id: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  text_version: string | null;
  source: ConsentSource;
  at: Generated<Date>;
  actor_type: string;
  actor_id: string | null;
  evidence: ColumnType<Record<string, unknown> | null, string | null, string | null>;
};

export type MemberConsentRow = Selectable<MemberConsentTable>;
export type MemberConsentEventRow = Selectable<MemberConsentEventTable>;
