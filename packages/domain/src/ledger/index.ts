export type { AccrualInput } from './accrue-points';
export { planAccrual } from './accrue-points';
export { planActivation } from './activate-lots';
export type { AdjustmentInput } from './adjust-points';
export { planAdjustment } from './adjust-points';
export { applyLedgerPlan, computeAccountDeltas } from './apply-ledger-plan';
export type { PointsBalance } from './compute-balance';
export { computeBalance } from './compute-balance';
export { planExpiry } from './expire-lots';
export { computeHeldPoints } from './held-points';
export type {
  LedgerAccountRow,
  LedgerDebtRow,
  LedgerInvariantInput,
  LedgerLotRow,
  LedgerPostingRow,
  LedgerProblem,
  LedgerProblemCode,
} from './ledger-invariants';
export { checkLedgerInvariants } from './ledger-invariants';
export type {
  AccountRef,
  Hold,
  InsufficientPoints,
  LedgerOperationKind,
  LedgerPlan,
  Lot,
  LotChange,
  LotPoints,
  MemberBucket,
  MemberPointsState,
  Posting,
  ProgramAccount,
  RefundPolicy,
} from './ledger-types';
export { CLEARING_ACCOUNTS, MEMBER_BUCKETS, PROGRAM_ACCOUNTS } from './ledger-types';
export type { SpendAllocation } from './lot-allocation';
export { allocateSpend, computeSpendablePoints } from './lot-allocation';
export { compareLotsForSpend, isLotPastExpiry, isLotSpendable } from './lot-order';
export { placeHold, releaseHold } from './points-holds';
export { planSpendReturn } from './return-spend';
export { planRevocation } from './revoke-accrual';
export type { SpendResult } from './spend-points';
export { planSpend } from './spend-points';
export { allocateSpendReturn } from './spend-return-allocation';
export type { WalletTransferPlan } from './transfer-wallet';
export { planWalletTransfer } from './transfer-wallet';
