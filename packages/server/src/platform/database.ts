import type { AuditLogTable } from '../capabilities/audit/audit.table';
import type {
  CampaignCounterTable,
  CampaignMemberStateTable,
  CampaignTable,
  CampaignUsageTable,
  CampaignVersionTable,
} from '../capabilities/campaigns/campaigns.table';
import type { CardBatchTable, CardRangeTable, MemberCardTable } from '../capabilities/cards/cards.table';
import type { MemberConsentEventTable, MemberConsentTable } from '../capabilities/consents/consents.table';
import type {
  CouponMemberUseTable,
  CouponRedemptionTable,
  CouponSeriesTable,
  CouponTable,
} from '../capabilities/coupons/coupons.table';
import type { EventOutboxTable } from '../capabilities/events/events.table';
import type {
  EventRewardRuleTable,
  MemberEventTable,
} from '../capabilities/events-rewards/events-rewards.table';
import type {
  AccountTable,
  LedgerEntryTable,
  LotTable,
  PointsHoldTable,
  PostingTable,
} from '../capabilities/ledger/ledger.table';
import type {
  HouseholdMemberTable,
  HouseholdTable,
  MemberAttributeDefTable,
  MemberImportRowTable,
  MemberMergeTable,
  MemberNoteTable,
  MemberQrSecretTable,
  MemberTable,
} from '../capabilities/members/members.table';
import type {
  MembershipPaymentTable,
  MembershipPlanTable,
  MembershipTable,
} from '../capabilities/memberships/memberships.table';
import type { ProgramVersionTable } from '../capabilities/program/program.table';
import type {
  ReceiptLineTable,
  ReceiptRefundTable,
  ReceiptTable,
} from '../capabilities/receipts/receipts.table';
import type { ApiKeyTable, StaffSessionTable, StaffUserTable } from '../capabilities/staff/staff.table';
import type { TenantTable } from '../capabilities/tenants/tenants.table';
import type {
  MemberTierHistoryTable,
  MemberTierTable,
  TierLadderTable,
} from '../capabilities/tiers/tiers.table';
import type { VerificationTable } from '../capabilities/verifications/verifications.table';
import type { OperationTable } from './idempotency.table';

// The whole schema as Kysely sees it; each capability owns its `*.table.ts`.
export type Database = {
  tenant: TenantTable;
  staff_user: StaffUserTable;
  staff_session: StaffSessionTable;
  api_key: ApiKeyTable;
  audit_log: AuditLogTable;
  event_outbox: EventOutboxTable;
  operation: OperationTable;
  account: AccountTable;
  lot: LotTable;
  posting: PostingTable;
  ledger_entry: LedgerEntryTable;
  points_hold: PointsHoldTable;
  program_version: ProgramVersionTable;
  receipt: ReceiptTable;
  receipt_line: ReceiptLineTable;
  receipt_refund: ReceiptRefundTable;
  member: MemberTable;
  member_note: MemberNoteTable;
  member_merge: MemberMergeTable;
  member_attribute_def: MemberAttributeDefTable;
  member_qr_secret: MemberQrSecretTable;
  member_import_row: MemberImportRowTable;
  household: HouseholdTable;
  household_member: HouseholdMemberTable;
  card_range: CardRangeTable;
  card_batch: CardBatchTable;
  member_card: MemberCardTable;
  member_consent: MemberConsentTable;
  member_consent_event: MemberConsentEventTable;
  verification: VerificationTable;
  tier_ladder: TierLadderTable;
  member_tier: MemberTierTable;
  member_tier_history: MemberTierHistoryTable;
  membership_plan: MembershipPlanTable;
  membership: MembershipTable;
  membership_payment: MembershipPaymentTable;
  campaign: CampaignTable;
  campaign_version: CampaignVersionTable;
  campaign_counter: CampaignCounterTable;
  campaign_member_state: CampaignMemberStateTable;
  campaign_usage: CampaignUsageTable;
  coupon_series: CouponSeriesTable;
  coupon: CouponTable;
  coupon_member_use: CouponMemberUseTable;
  coupon_redemption: CouponRedemptionTable;
  event_reward_rule: EventRewardRuleTable;
  member_event: MemberEventTable;
};
