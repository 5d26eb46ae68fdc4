import type { CampaignDefinition } from '@kopilka/domain/campaigns';
import type { ColumnType, Selectable } from 'kysely';

type Json<T> = ColumnType<T, unknown, unknown>;

export type CampaignTable = {
  tenant_id: string;
  id: string;
  version: number;
  name: string;
  status: string;
  priority: number;
  definition: Json<CampaignDefinition>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
};
export type CampaignRow = Selectable<CampaignTable>;

export type CampaignVersionTable = {
  tenant_id: string;
  campaign_id: string;
  version: number;
  definition: Json<CampaignDefinition>;
  deleted: boolean;
  valid_from: Date;
  created_by: string | null;
};
export type CampaignVersionRow = Selectable<CampaignVersionTable>;

export type CampaignCounterTable = {
  tenant_id: string;
  campaign_id: string;
  scope_key: string;
  uses: ColumnType<number, number | undefined, number>;
  points: ColumnType<number, number | undefined, number>;
  money_minor: ColumnType<number, number | undefined, number>;
};

export type CampaignMemberStateTable = {
  tenant_id: string;
  campaign_id: string;
  member_id: string;
  stamps: ColumnType<number, number | undefined, number>;
  spend_minor: ColumnType<number, number | undefined, number>;
  updated_at: Date;
};

export type CampaignUsageTable = {
  tenant_id: string;
  receipt_id: string;
  campaign_id: string;
  member_id: string | null;
  member_scope_key: string | null;
  uses: number;
  points: number;
  money_minor: number;
  stamps: number;
  spend_minor: number;
  coupon_code: string | null;
  issued_coupon_code: string | null;
  release_on_refund: boolean;
  occurred_at: Date;
  created_at: Date;
  released_at: Date | null;
};
export type CampaignUsageRow = Selectable<CampaignUsageTable>;
