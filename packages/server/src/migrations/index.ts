import type { Migration } from 'kysely/migration';
import * as m20261122000100 from './2026_11_22_000100_create_platform_tables';
import * as m20261122000200 from './2026_11_22_000200_create_member_tables';
import * as m20261122000201 from './2026_11_22_000201_create_card_tables';
import * as m20261122000202 from './2026_11_22_000202_create_consent_tables';
import * as m20261122000203 from './2026_11_22_000203_create_verification_table';
import * as m20261122000300 from './2026_11_22_000300_create_ledger_tables';
import * as m20261122000400 from './2026_11_22_000400_create_program_versions';
import * as m20261122000500 from './2026_11_22_000500_create_receipts';
import * as m20261122000600 from './2026_11_22_000600_create_campaign_tables';
import * as m20261122000601 from './2026_11_22_000601_create_coupon_tables';
import * as m20261122000602 from './2026_11_22_000602_create_event_reward_tables';
import * as m20261122000700 from './2026_11_22_000700_create_tier_tables';
import * as m20261122000701 from './2026_11_22_000701_create_membership_tables';
import * as m20261122000950 from './2026_11_22_000950_create_cabinet_sessions';
import * as m20261122001000 from './2026_11_22_001000_add_member_merge_and_wallet_pooling';
import * as m20261122001001 from './2026_11_22_001001_pool_existing_household_wallets';
import * as m20261122001100 from './2026_11_22_001100_add_verification_last_wrong_hash';
import * as m20261122001200 from './2026_11_22_001200_add_account_forward_reason';
import * as m20261122001201 from './2026_11_22_001201_backfill_account_forward_reason';

// Every migration, in order. Never edit a committed migration: add a new file and list it here.
export const migrations: Record<string, Migration> = {
  '2026_11_22_000100_create_platform_tables': m20261122000100,
  '2026_11_22_000200_create_member_tables': m20261122000200,
  '2026_11_22_000201_create_card_tables': m20261122000201,
  '2026_11_22_000202_create_consent_tables': m20261122000202,
  '2026_11_22_000203_create_verification_table': m20261122000203,
  '2026_11_22_000300_create_ledger_tables': m20261122000300,
  '2026_11_22_000400_create_program_versions': m20261122000400,
  '2026_11_22_000500_create_receipts': m20261122000500,
  '2026_11_22_000600_create_campaign_tables': m20261122000600,
  '2026_11_22_000601_create_coupon_tables': m20261122000601,
  '2026_11_22_000602_create_event_reward_tables': m20261122000602,
  '2026_11_22_000700_create_tier_tables': m20261122000700,
  '2026_11_22_000701_create_membership_tables': m20261122000701,
  '2026_11_22_000950_create_cabinet_sessions': m20261122000950,
  '2026_11_22_001000_add_member_merge_and_wallet_pooling': m20261122001000,
  '2026_11_22_001001_pool_existing_household_wallets': m20261122001001,
  '2026_11_22_001100_add_verification_last_wrong_hash': m20261122001100,
  '2026_11_22_001200_add_account_forward_reason': m20261122001200,
  '2026_11_22_001201_backfill_account_forward_reason': m20261122001201,
};
