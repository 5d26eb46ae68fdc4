import type { Program } from '@kopilka/domain/program';
import {
  type CalculateReceiptInput,
  type Campaign,
  calculateReceipt,
  checkOccurredAt,
  type MemberTier,
  type ReceiptCalculation,
  type ReceiptProblem,
} from '@kopilka/domain/receipts';
import type { DbOrTrx, Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { findActiveCampaigns } from '../campaigns/campaigns.service';
import { openWallet, POINTS, type Wallet } from '../ledger/wallet.service';
import { resolveMemberRef } from '../members/members.service';
import { getProgramAt } from '../program/program.service';
import { findMemberTier } from '../tiers/tiers.service';
import type { ReceiptBodyInput } from './receipts.schemas';

export type ResolvedMember = {
  memberId: string;
  canEarn: boolean;
  canSpend: boolean;
  identifiedBy: string;
};

/** 'receipt.lines[1].lineId' (domain) -> 'body.lines.1.lineId' (API details). */
function apiField(field: string): string {
  return `body.${field.replace(/^receipt\./, '').replace(/\[(\d+)\]/g, '.$1')}`;
}

export function throwReceiptProblems(problems: readonly ReceiptProblem[]): never {
  const config = problems.filter((p) => p.code === 'invalid_configuration');
  if (config.length > 0) {
    throw new AppError(
      'unprocessable',
      `The program or campaign settings cannot be applied to this receipt: ${config.map((p) => p.message).join('; ')}`,
      config,
    );
  }
  const details = problems.map((p) => ({ field: apiField(p.field), message: p.message, code: p.code }));
  throw new AppError(
    'validation_failed',
    `The receipt is invalid: ${problems.map((p) => p.message).join('; ')}`,
    details,
  );
}

export function occurredAtOf(body: ReceiptBodyInput, now: Date): Date {
  return body.occurredAt ? new Date(body.occurredAt) : now;
}

export async function loadProgramFor(
  db: DbOrTrx,
  tenantId: string,
  occurredAt: Date,
  now: Date,
): Promise<{ program: Program; version: number }> {
  const { program, version } = await getProgramAt(db, tenantId, occurredAt);
  const check = checkOccurredAt(occurredAt, now, program);
  if (!check.ok) {
    throw new AppError(
      'occurred_at_out_of_range',
      `occurredAt must lie between ${check.earliest.toISOString()} (the program's offline window of ${program.receipts.maxDelayDays} days) and ${check.latest.toISOString()} (5 minutes ahead).`,
      { earliest: check.earliest.toISOString(), latest: check.latest.toISOString() },
    );
  }
  return { program, version };
}

/**
 * Who the receipt is for, and what they may do: blocked members neither earn nor spend; spending
 * by phone needs a verified one-time code (contract: 403 verification_required).
 */
export async function resolveReceiptMember(
  db: DbOrTrx,
  tenantId: string,
  body: ReceiptBodyInput,
  now: Date,
): Promise<ResolvedMember | null> {
  const ref = body.member;
  if (!ref) return null;
  const given = (['memberId', 'cardNumber', 'qrToken', 'phone'] as const).filter((k) => ref[k] !== undefined);
  if (given.length !== 1) {
    throw new AppError(
      'validation_failed',
      'Identify the member by exactly one of memberId, cardNumber, qrToken or phone.',
      [{ field: 'body.member', message: 'must have exactly one of memberId, cardNumber, qrToken, phone' }],
    );
  }
  const key = given[0]!;
  const resolved = await resolveMemberRef(
    db,
    tenantId,
    key === 'phone'
      ? { phone: ref.phone!, ...(ref.otp ? { otp: ref.otp } : {}) }
      : ({ [key]: ref[key] } as { memberId: string }),
    now,
  );
  return receiptMemberOf(body, resolved.memberId, resolved.status, resolved.identifiedBy);
}

function receiptMemberOf(
  body: ReceiptBodyInput,
  memberId: string,
  status: string,
  identifiedBy: string,
): ResolvedMember {
  const active = status === 'active';
  const spendIdentified = identifiedBy !== 'phone';
  if ((body.pointsToSpend ?? 0) > 0) {
    if (!spendIdentified) {
      throw new AppError(
        'verification_required',
        'To pay with points for a member found by phone, send the one-time code: request it with POST /v1/verifications and pass member.otp.',
      );
    }
    if (!active)
      throw new AppError('unprocessable', `Member ${memberId} is ${status} and cannot pay with points.`, {
        memberStatus: status,
      });
  }
  return { memberId, canEarn: active, canSpend: active && spendIdentified, identifiedBy };
}

/**
 * Locks the points wallet of the receipt's member. The member was resolved before the lock; if a
 * merge of that member held the lock meanwhile, the accounts now forward to the survivor's
 * (`forwardedBy: 'merge'`, read under the lock) and the receipt is the survivor's — its row, tier,
 * campaign limits and answer — as if the till had sent the survivor. Only such a receipt reads the
 * member again; others pay nothing for the check.
 */
export async function openReceiptWallet(
  trx: Trx,
  tenantId: string,
  body: ReceiptBodyInput,
  member: ResolvedMember,
  now: Date,
): Promise<{ member: ResolvedMember; wallet: Wallet }> {
  const wallet = await openWallet(trx, { tenantId, memberId: member.memberId, currency: POINTS }, { now });
  if (wallet.forwardedBy !== 'merge') return { member, wallet };
  const survivor = await resolveMemberRef(trx, tenantId, { memberId: member.memberId }, now);
  return { member: receiptMemberOf(body, survivor.memberId, survivor.status, member.identifiedBy), wallet };
}

export async function loadPricingInputs(
  db: DbOrTrx,
  tenantId: string,
  memberId: string | null,
  occurredAt: Date,
  coupons: readonly string[] = [],
): Promise<{ campaigns: Campaign[]; tier: MemberTier | null }> {
  const [campaigns, tier] = await Promise.all([
    // The member and coupons let the campaigns capability add member-state campaigns (stamps,
    // thresholds, birthdays, first purchase) and check coupon codes.
    findActiveCampaigns(db, tenantId, occurredAt, { memberId, coupons }),
    memberId ? findMemberTier(db, tenantId, memberId, occurredAt) : Promise.resolve(null),
  ]);
  return { campaigns, tier };
}

export function runCalculation(input: {
  body: ReceiptBodyInput;
  occurredAt: Date;
  member: ResolvedMember | null;
  availablePoints: number;
  tier: MemberTier | null;
  program: Program;
  campaigns: Campaign[];
  now: Date;
}): ReceiptCalculation {
  const { body } = input;
  // A blocked member's receipt is priced like an anonymous one: no tier, no earning, no spending.
  const member: CalculateReceiptInput['member'] = input.member?.canEarn
    ? {
        memberId: input.member.memberId,
        availablePoints: input.member.canSpend ? input.availablePoints : 0,
        tier: input.tier,
      }
    : null;
  const result = calculateReceipt({
    receipt: {
      receiptId: body.receiptId,
      occurredAt: input.occurredAt,
      storeId: body.storeId ?? null,
      terminalId: body.terminalId ?? null,
      channel: body.channel ?? null,
      lines: body.lines.map((l) => ({
        lineId: l.lineId,
        sku: l.sku ?? '',
        category: l.category ?? '',
        quantity: l.quantity,
        amountMinor: l.amountMinor,
      })),
      coupons: body.coupons ?? [],
      pointsToSpend: body.pointsToSpend ?? 0,
    },
    member,
    program: input.program,
    campaigns: input.campaigns,
    now: input.now,
  });
  if (!result.ok) throwReceiptProblems(result.problems);
  return result.calculation;
}
