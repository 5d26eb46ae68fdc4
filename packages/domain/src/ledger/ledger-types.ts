// Types of the pure points ledger. Every function in this folder is currency-agnostic: it works on
// one member's lots in one currency ('points', later 'status', 'stamps', 'cashback',
// 'stored_value'); the caller knows which member and currency a plan belongs to.

/** The member's own accounts (per member and currency). */
export type MemberBucket = 'available' | 'pending';

/**
 * Program-side accounts, so that every movement is a balanced double-entry posting. `transfers` is
 * a clearing account for points moving between members (household pooling, merging duplicates):
 * every transfer passes through it in one operation, so it always nets to zero.
 */
export type ProgramAccount = 'issued' | 'redeemed' | 'expired' | 'written_off' | 'adjustments' | 'transfers';

/**
 * An account relative to the plan's member and currency; persistence resolves it to an account row.
 * Plain strings rather than objects: the names are distinct, easy to compare, group and log.
 */
export type AccountRef = MemberBucket | ProgramAccount;

export const MEMBER_BUCKETS: readonly MemberBucket[] = ['available', 'pending'];
export const PROGRAM_ACCOUNTS: readonly ProgramAccount[] = [
  'issued',
  'redeemed',
  'expired',
  'written_off',
  'adjustments',
  'transfers',
];

/** Program accounts that only pass points through: their postings sum to zero. */
export const CLEARING_ACCOUNTS: readonly ProgramAccount[] = ['transfers'];

/**
 * Points created by one accrual or positive adjustment.
 *
 * `bucket` says which member account holds `remaining`. It is not derivable from `activatesAt`:
 * the API promises that pending points become spendable only once the activation job has posted
 * them (pending -> available), so until then a lot whose `activatesAt` passed is still pending.
 */
export type Lot = {
  lotId: string;
  amount: number;
  remaining: number;
  bucket: MemberBucket;
  activatesAt: Date;
  /** null = never expires. */
  expiresAt: Date | null;
  createdAt: Date;
};

export type LotPoints = { lotId: string; points: number };

/**
 * A short-lived reservation of points on specific lots (two-phase, like TigerBeetle's pending
 * transfers). It moves nothing: the points stay in `available`, but other spends cannot take them
 * until the hold is consumed by a spend, released, or lapses at `expiresAt`.
 */
export type Hold = { holdId: string; expiresAt: Date; lots: readonly LotPoints[] };

/**
 * One member's state in one currency. `debt` > 0 only under the 'debt' refund policy; the member's
 * `available` account balance is then the lots' remaining minus the debt (negative when no lot is
 * left). `holds` absent = no holds.
 */
export type MemberPointsState = { lots: readonly Lot[]; debt: number; holds?: readonly Hold[] };

/** What a refund does with revoked points the member has already spent (see API.md). */
export type RefundPolicy = 'debt' | 'clamp';

/** Immutable double-entry line; `points` is a positive safe integer. */
export type Posting = { from: AccountRef; to: AccountRef; points: number; lotId?: string };

/** A change of a lot's `remaining` (never of its `amount`). */
export type LotChange = { lotId: string; delta: number };

export type LedgerOperationKind =
  | 'accrue'
  | 'activate'
  | 'spend'
  | 'return_spend'
  | 'revoke'
  | 'expire'
  | 'adjust';

/**
 * Everything one operation changes, for the persistence layer to apply verbatim in one transaction
 * (and for dry runs). Postings move points between accounts; lot changes and debt keep the lots in
 * step with the member's account balances.
 */
export type LedgerPlan = {
  kind: LedgerOperationKind;
  postings: Posting[];
  newLots: Lot[];
  /** At most one change per lot, in allocation order; zero deltas are left out. */
  lotChanges: LotChange[];
  /** Lots moved from the pending to the available bucket. */
  activatedLotIds: string[];
  /** Positive = debt incurred (revoke under 'debt'), negative = debt repaid. */
  debtDelta: number;
  /** Revoked points that could not be recovered under the 'clamp' policy. */
  pointsWrittenOff: number;
  /** The hold this plan consumed; persistence deletes it together with the postings. */
  consumedHoldId: string | null;
};

export type InsufficientPoints = { ok: false; code: 'insufficient_points'; available: number };
