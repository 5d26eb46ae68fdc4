import type { AuditLogTable } from '../capabilities/audit/audit.table';
import type { CardBatchTable, CardRangeTable, MemberCardTable } from '../capabilities/cards/cards.table';
import type { MemberConsentEventTable, MemberConsentTable } from '../capabilities/consents/consents.table';
import type { EventOutboxTable } from '../capabilities/events/events.table';
import type { AccountTable, LedgerEntryTable, LotTable, PointsHoldTable, PostingTable } from '../capabilities/ledger/ledger.table';
import type {
  HouseholdMemberTable,
  HouseholdTable,
  MemberAttributeDefTable,
  MemberImportRowTable,
  MemberNoteTable,
  MemberQrSecretTable,
  MemberTable,
} from '../capabilities/members/members.table';
import type { ApiKeyTable, StaffSessionTable, StaffUserTable } from '../capabilities/staff/staff.table';
import type { TenantTable } from '../capabilities/tenants/tenants.table';
import type { VerificationTable } from '../capabilities/verifications/verifications.table';
import type { ProgramVersionTable } from '../capabilities/program/program.table';
import type { ReceiptLineTable, ReceiptRefundTable, ReceiptTable } from '../capabilities/receipts/receipts.table';
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
};
