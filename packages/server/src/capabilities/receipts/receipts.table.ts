import type { Generated, Selectable } from 'kysely';

export type ReceiptStatus = 'confirmed' | 'partially_refunded' | 'refunded' | 'cancelled';

export type ReceiptTable = {
  tenant_id: string;
  id: string;
  member_id: string | null;
  store_id: string | null;
  terminal_id: string | null;
  channel: string | null;
  status: ReceiptStatus;
  occurred_at: Date;
  confirmed_at: Date;
  currency: string;
  program_version: number;
  amount_minor: number;
  discount_minor: number;
  points_spent: number;
  points_spent_minor: number;
  payable_minor: number;
  points_earned: number;
  refunded_amount_minor: Generated<number>;
  earn_lot_id: string | null;
  spend_allocation: unknown;
  effects: unknown;
  coupons: unknown;
  earn: unknown;
  operation_id: string;
};

export type ReceiptLineTable = {
  tenant_id: string;
  receipt_id: string;
  line_no: number;
  line_id: string;
  sku: string;
  category: string;
  quantity_milli: number;
  amount_minor: number;
  discount_minor: number;
  discount_percent: string;
  points_spent: number;
  points_spent_minor: number;
  payable_minor: number;
  points_earned: number;
  refunded_quantity_milli: Generated<number>;
};

export type ReceiptRefundTable = {
  tenant_id: string;
  id: string;
  receipt_id: string;
  kind: 'refund' | 'cancel';
  lines: unknown;
  returned_lots: unknown;
  amount_minor: number;
  points_returned: number;
  points_revoked: number;
  points_written_off: number;
  created_at: Date;
  operation_id: string;
};

export type ReceiptRow = Selectable<ReceiptTable>;
export type ReceiptLineRow = Selectable<ReceiptLineTable>;
export type ReceiptRefundRow = Selectable<ReceiptRefundTable>;
