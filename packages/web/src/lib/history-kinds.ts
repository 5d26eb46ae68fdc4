import type { TFunction } from 'i18next';

/** Ledger history kinds the UI names; an unknown kind from a newer server shows as it is. */
const KINDS = new Set([
  'accrue',
  'spend',
  'refund_return',
  'refund_revoke',
  'activate',
  'expire',
  'adjust',
  'revoke',
  'return_spend',
  'import',
  'household_in',
  'household_out',
  'merge_in',
  'merge_out',
]);

export function historyKindLabel(t: TFunction, kind: string): string {
  return KINDS.has(kind) ? t(`historyKind.${kind as 'accrue'}`) : kind;
}
