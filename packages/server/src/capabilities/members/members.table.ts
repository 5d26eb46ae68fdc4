import type { ColumnType, Generated, Selectable } from 'kysely';

export type MemberStatus = 'active' | 'blocked' | 'anonymized' | 'merged';
export type MemberSource = 'api' | 'console' | 'import' | 'demo';

export type MemberTable = {
  id: string;
  tenant_id: string;
  status: Generated<MemberStatus>;
  status_reason: string | null;
  phone: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  // A calendar date: always selected as text (`birth_date::text`) so no time zone can shift it.
  birth_date: ColumnType<string | null, string | null, string | null>;
  external_id: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  qr_key: string | null;
  source: Generated<MemberSource>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  blocked_at: Date | null;
  anonymized_at: Date | null;
  /** Set with status `merged`: the member this duplicate was merged into. */
  merged_into: string | null;
  merged_at: Date | null;
};

export type MemberNoteTable = {
  id: string;
  tenant_id: string;
  member_id: string;
  body: string;
  author_type: string;
  author_id: string | null;
  created_at: Generated<Date>;
};

export type AttributeType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'enum';

export type MemberAttributeDefTable = {
  tenant_id: string;
  key: string;
  type: AttributeType;
  label: Generated<string>;
  allowed_values: ColumnType<string[] | null, string | null, string | null>;
  position: Generated<number>;
  created_at: Generated<Date>;
};

export type MemberQrSecretTable = {
  tenant_id: string;
  secret: string;
  created_at: Generated<Date>;
};

export type HouseholdRole = 'owner' | 'member';

export type HouseholdTable = {
  id: string;
  tenant_id: string;
  name: string;
  kind: Generated<'family' | 'company'>;
  created_at: Generated<Date>;
  /** Whose points accounts are the household's shared wallet (the owner's at creation). */
  wallet_member_id: string | null;
};

export type HouseholdMemberTable = {
  tenant_id: string;
  household_id: string;
  member_id: string;
  role: HouseholdRole;
  joined_at: Generated<Date>;
};

export type MemberImportRowTable = {
  tenant_id: string;
  import_id: string;
  line: number;
  member_id: string;
  phone: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  birth_date: ColumnType<string | null, string | null, string | null>;
  external_id: string | null;
  card_number: string | null;
  card_kind: string | null;
  tags: string[] | null;
  attributes: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  consent_email: boolean | null;
  consent_sms: boolean | null;
  consent_push: boolean | null;
  consent_version: string | null;
  outcome: string | null;
  reason: string | null;
  matched_member_id: string | null;
};

/** One merged duplicate: what moved, so a repeated merge answers the same and timelines show it. */
export type MemberMergeTable = {
  tenant_id: string;
  duplicate_member_id: string;
  survivor_member_id: string;
  summary: ColumnType<Record<string, unknown>, string, string>;
  actor_type: string;
  actor_id: string | null;
  merged_at: Date;
};

export type MemberRow = Selectable<MemberTable>;
export type MemberNoteRow = Selectable<MemberNoteTable>;
export type HouseholdRow = Selectable<HouseholdTable>;
