// Shapes of the API the web app reads (see /openapi.json and shared/API.md).

export type Page<T> = { items: T[]; nextCursor: string | null };

export type StaffRole = 'owner' | 'admin' | 'marketer' | 'analyst' | 'support' | 'cashier';

export type Me = {
  tenantId: string;
  actorType: 'staff' | 'api_key';
  actorId: string;
  role: StaffRole | null;
  scopes: string[];
};

export type Consent = {
  channel: 'email' | 'sms' | 'push' | 'any';
  purpose: 'marketing' | 'personal_data';
  granted: boolean;
  textVersion: string | null;
  source: string;
  updatedAt: string;
};

export type Member = {
  memberId: string;
  cardNumber: string | null;
  phone: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  externalId: string | null;
  status: 'active' | 'blocked' | 'anonymized' | 'merged';
  statusReason: string | null;
  /** For a duplicate merged into another member: the member it lives on as. */
  mergedInto?: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  consents?: Consent[];
};

export type PointsBalance = {
  available: number;
  pending: number;
  expiring: { points: number; expiresAt: string }[];
};

export type MemberBalance = { points: PointsBalance; tier: { code: string; name: string } | null };

export type HistoryEntry = {
  entryId: string;
  at: string;
  kind: string;
  points: number;
  balanceAfter: number;
  pendingAfter?: number;
  bucket?: string;
  receiptId?: string;
  reason?: string;
};

export type ReceiptFigures = {
  amountMinor: number;
  discountMinor: number;
  pointsSpent: number;
  pointsSpentMinor: number;
  payableMinor: number;
  pointsEarned: number;
};

export type ReceiptLine = ReceiptFigures & {
  lineId: string;
  sku: string;
  category: string;
  quantity: string;
  discountPercent: string;
  refundedQuantity?: string;
};

export type ReceiptEffect = {
  campaignId: string | null;
  tierCode?: string | null;
  source?: string;
  kind: string;
  description: string;
  descriptionRu?: string;
  lineIds: string[];
};

export type Refund = {
  refundId: string;
  kind: string;
  createdAt: string;
  amountMinor: number;
  pointsReturned: number;
  pointsRevoked: number;
  pointsWrittenOff: number;
  lines: {
    lineId: string;
    quantity: string;
    amountMinor: number;
    pointsReturned: number;
    pointsRevoked: number;
  }[];
};

export type Receipt = {
  receiptId: string;
  status: string;
  memberId: string | null;
  occurredAt?: string;
  storeId?: string | null;
  terminalId?: string | null;
  totals: ReceiptFigures & { maxPointsToSpend: number };
  lines: ReceiptLine[];
  effects: ReceiptEffect[];
  earn?: { points: number; activatesAt: string | null; expiresAt: string | null };
  balance: { available: number; pending: number } | null;
  refunds?: Refund[];
  confirmedAt?: string;
};

export type ReceiptListItem = {
  receiptId: string;
  memberId: string | null;
  storeId: string | null;
  terminalId: string | null;
  status: string;
  occurredAt: string;
  amountMinor: number;
  discountMinor: number;
  pointsSpent: number;
  pointsEarned: number;
  payableMinor: number;
  refundedAmountMinor: number;
};

export type RefundResult = {
  refundId: string;
  receiptId: string;
  status: string;
  pointsReturned: number;
  pointsRevoked: number;
  pointsWrittenOff: number;
  amountMinor: number;
  balance: { available: number; pending: number } | null;
};

export type Rounding = 'floor' | 'ceil' | 'half_up' | 'half_even';

export type Program = {
  name: string;
  currency: string;
  timezone: string;
  pointValueMinor: number;
  earn: {
    pointsPerUnit: string;
    rounding: Rounding;
    base: 'paid' | 'gross';
    excludedCategories: string[];
    pendingDays: number;
    expiryDays: number | null;
  };
  burn: { maxPercentOfReceipt: number; excludedCategories: string[] };
  refund: { policy: 'debt' | 'clamp' };
  receipts: { maxDelayDays: number };
};

export type CampaignStatus = 'draft' | 'active' | 'paused' | 'ended';

export type CampaignEffect =
  | { type: 'earn_multiplier'; multiplier: string }
  | { type: 'bonus_points'; points: number }
  | { type: 'discount_percent'; percent: string };

export type CampaignConditions = {
  minAmountMinor: number;
  categories: string[];
  skus: string[];
  daysOfWeek: number[];
  coupon: string | null;
};

export type Campaign = {
  campaignId: string;
  name: string;
  status: CampaignStatus | string;
  startsAt: string | null;
  endsAt: string | null;
  priority: number;
  conditions: CampaignConditions;
  effect: CampaignEffect | { type: string; [k: string]: unknown };
};

export type Tier = {
  code: string;
  name: string;
  qualifyingSpendMinor: number;
  discountPercent: string;
  earnMultiplier: string;
};

export type TierLadder = { windowDays: number; tiers: Tier[] };

export type StaffUser = {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
};

export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
};

export type AuditEntry = {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  requestId: string | null;
};

export type DashboardGroup = { receipts: number; revenueMinor: number; avgCheckMinor: number };

export type Dashboard = {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  pointValueMinor: number;
  members: { total: number; newInPeriod: number; active30: number; active90: number };
  receipts: { members: DashboardGroup; anonymous: DashboardGroup };
  points: {
    issued: number;
    spent: number;
    expired: number;
    adjusted: number;
    outstanding: number;
    pending: number;
    liabilityMinor: number;
  };
  series: {
    date: string;
    receiptsMembers: number;
    receiptsAnonymous: number;
    revenueMembersMinor: number;
    revenueAnonymousMinor: number;
    newMembers: number;
    pointsIssued: number;
    pointsSpent: number;
    pointsExpired: number;
  }[];
};

export type CabinetProfile = {
  memberId: string;
  cardNumber: string | null;
  phone: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  status: string;
  createdAt: string;
  program: { name: string; currency: string; pointValueMinor: number };
};

export type QrToken = { qrToken: string; expiresAt: string; windowSeconds: number };

export type MemberRef =
  | { memberId: string }
  | { cardNumber: string }
  | { qrToken: string }
  | { phone: string; otp?: string };

export type TierProgress = {
  memberId: string;
  tier: { code: string; name: string } | null;
  metric: {
    kind: string;
    value: number;
    window: { kind: string; days: number | null; from: string | null; to: string };
  };
  nextTier: { code: string; name: string; threshold: number; remaining: number } | null;
  keepCurrent: { threshold: number; remaining: number } | null;
};

export type Coupon = {
  code: string;
  seriesId: string;
  memberId: string | null;
  status: string;
  uses: number;
  maxUses: number | null;
  startsAt: string | null;
  endsAt: string | null;
};

/** POST /v1/campaigns/{id}/simulation: the campaign replayed on past receipts. */
export type CampaignSimulation = {
  campaignId: string;
  from: string;
  to: string;
  receiptsScanned: number;
  truncated: boolean;
  reached: { receipts: number; members: number; anonymousReceipts: number };
  cost: { discountMinor: number; points: number; pointsValueMinor: number };
  stoppedByLimits: number;
};

export type CouponSeriesKind = 'unique' | 'shared' | 'personal';

export type CouponSeries = {
  seriesId: string;
  name: string;
  kind: CouponSeriesKind | string;
  pattern: string | null;
  code: string | null;
  requestedCount: number;
  generatedCount: number;
  status: 'generating' | 'ready' | 'failed' | string;
  progress: number;
  startsAt: string | null;
  endsAt: string | null;
  usesPerCode: number | null;
  usesPerMember: number | null;
  validDays: number | null;
  redeemed: number;
  error: string | null;
  createdAt: string;
};

export type MembershipPeriod = 'month' | 'year' | 'lifetime';

export type MembershipPlan = {
  planId: string;
  code: string;
  name: string;
  status: 'active' | 'archived' | string;
  period: MembershipPeriod;
  priceMinor: number;
  trialDays: number;
  discountPercent: string;
  earnMultiplier: string;
  perks: string[];
  freeDelivery: boolean;
  maxPointsPercent: number | null;
  dividendPercent: string | null;
  renewalNoticeDays: number;
  createdAt: string;
  updatedAt: string;
};

export type MembershipPayment = {
  paymentId: string;
  kind: string;
  paymentReference: string | null;
  amountMinor: number;
  periodStart: string;
  periodEnd: string | null;
  dividendPoints: number;
  paidAt: string;
};

export type Membership = {
  membershipId: string;
  memberId: string;
  planId: string;
  planCode: string;
  planName: string;
  status: 'trial' | 'active' | 'cancelled' | 'expired' | string;
  startedAt: string;
  currentPeriodStart: string;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  cancelledAt: string | null;
  endedAt: string | null;
  benefitsActive: boolean;
  payments: MembershipPayment[];
};

/** GET /v1/cabinet/offers: campaigns the member gets now and their personal coupons. */
export type CabinetOffers = {
  campaigns: {
    campaignId: string;
    name: string;
    startsAt: string | null;
    endsAt: string | null;
    conditions: CampaignConditions;
    effect: Campaign['effect'];
  }[];
  coupons: {
    code: string;
    seriesName: string;
    uses: number;
    maxUses: number | null;
    startsAt: string | null;
    endsAt: string | null;
    valid: boolean;
    reason: string | null;
    campaigns: { campaignId: string; name: string; effect: Campaign['effect'] }[];
  }[];
};

/** POST /v1/members/{id}/merge: the surviving member and what moved over from the duplicate. */
export type MergeResult = {
  member: Member;
  merged: {
    duplicateMemberId: string;
    pointsMoved: Record<string, number>;
    lotsMoved: number;
    receiptsMoved: number;
    cardsMoved: number;
    consentsMoved: number;
    notesMoved?: number;
    fieldsTaken?: string[];
    tierCode?: string | null;
    householdId?: string | null;
  };
};
