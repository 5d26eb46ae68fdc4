import type { Posting } from '@kopilka/domain/ledger';
import { planWalletTransfer } from '@kopilka/domain/ledger';
import type { Trx } from '../../platform/db';
import * as repo from './ledger.repository';
import { createInternalOperation } from './ledger.service';
import type { ForwardReason } from './ledger.table';
import { accountIdOf, openOwnWallet, openWallet, type Wallet } from './wallet.service';
import * as transferRepo from './wallet-transfer.repository';

// Moving a member's wallet into another member's: a household member's points into the shared
// wallet, a merged duplicate's into the survivor's. Postings go through the program's `transfers`
// clearing account (each posting stays within one member, as `ledger verify` requires); lots
// change holder but keep their ids and dates, so refunds of old receipts find them.

export type WalletMove = {
  currency: string;
  /** Net points that moved: available + pending − debt. */
  points: number;
  available: number;
  pending: number;
  debt: number;
  /** Lots with points left that moved. */
  lots: number;
  /** The member whose accounts now hold the points. */
  holderId: string;
};

export type MoveContext = {
  now: Date;
  /** Operation scope (`household.pool`, `member.merge`) and history kinds for both sides. */
  scope: string;
  /** Recorded with the source's forward pointer (a purchase reads it under its account lock). */
  forwardReason: ForwardReason;
  entryKinds: { out: string; in: string };
  reason: string;
};

/**
 * Moves everything `fromMemberId` holds in `currency` into the wallet `toMemberId`'s points live
 * in, releases the source's holds (a reservation names lots of a wallet that no longer exists;
 * the receipt's confirm then spends from the shared wallet without it), and points the source's
 * accounts at the holder. Lock order: the source's accounts, then the holder's — the order a
 * purchase takes when it follows a forward — so the two cannot wait on each other in a cycle.
 */
export async function moveWallet(
  trx: Trx,
  input: { tenantId: string; currency: string; fromMemberId: string; toMemberId: string },
  ctx: MoveContext,
): Promise<WalletMove> {
  const { tenantId, currency, fromMemberId } = input;
  const source = await openOwnWallet(trx, { tenantId, memberId: fromMemberId, currency }, { now: ctx.now });
  const target = await openWallet(trx, { tenantId, memberId: input.toMemberId, currency }, { now: ctx.now });
  const holderId = target.ref.memberId;
  if (holderId === fromMemberId) {
    throw new Error(`cannot move the wallet of ${fromMemberId} into itself`);
  }
  const plan = planWalletTransfer(source.state, target.state, ctx.now);
  const move: WalletMove = {
    currency,
    points: plan.moved.available + plan.moved.pending - plan.moved.debt,
    available: plan.moved.available,
    pending: plan.moved.pending,
    debt: plan.moved.debt,
    lots: plan.moved.lots,
    holderId,
  };

  await transferRepo.deleteHoldsOf(trx, tenantId, fromMemberId, currency);
  await transferRepo.repointLots(trx, tenantId, currency, fromMemberId, holderId);
  if (plan.sourcePostings.length > 0) {
    const operationId = await createInternalOperation(trx, tenantId, ctx.scope);
    await repo.insertPostings(trx, [
      ...postingRows(source, plan.sourcePostings, operationId),
      ...postingRows(target, plan.targetPostings, operationId),
    ]);
    await repo.changeLotRemaining(
      trx,
      plan.repayments.map((r) => ({ lotId: r.lotId, delta: -r.points })),
    );
    const available = target.balances.available + plan.moved.available - plan.moved.debt;
    const pending = target.balances.pending + plan.moved.pending;
    await repo.setAccountBalance(trx, source.accountIds.available, 0, 0);
    await repo.setAccountBalance(trx, source.accountIds.pending, 0);
    await repo.setAccountBalance(trx, target.accountIds.available, available, plan.target.debt);
    await repo.setAccountBalance(trx, target.accountIds.pending, pending);
    const entry = (memberId: string, kind: string, bucket: string, points: number, after: number[]) => ({
      tenant_id: tenantId,
      member_id: memberId,
      currency,
      operation_id: operationId,
      kind,
      bucket,
      points,
      balance_after: after[0]!,
      pending_after: after[1]!,
      receipt_id: null,
      reason: ctx.reason,
      at: ctx.now,
    });
    const net = plan.moved.available - plan.moved.debt;
    const entries = [];
    if (net !== 0) {
      entries.push(entry(fromMemberId, ctx.entryKinds.out, 'available', -net, [0, 0]));
      entries.push(entry(holderId, ctx.entryKinds.in, 'available', net, [available, pending]));
    }
    if (plan.moved.pending !== 0) {
      entries.push(entry(fromMemberId, ctx.entryKinds.out, 'pending', -plan.moved.pending, [0, 0]));
      entries.push(entry(holderId, ctx.entryKinds.in, 'pending', plan.moved.pending, [available, pending]));
    }
    await repo.insertEntries(trx, entries);
  }
  await transferRepo.setForward(trx, tenantId, fromMemberId, currency, {
    to: holderId,
    reason: ctx.forwardReason,
  });
  return move;
}

function postingRows(wallet: Wallet, postings: readonly Posting[], operationId: string) {
  return postings.map((p) => ({
    tenant_id: wallet.ref.tenantId,
    operation_id: operationId,
    currency: wallet.ref.currency,
    from_account_id: accountIdOf(wallet, p.from),
    to_account_id: accountIdOf(wallet, p.to),
    points: p.points,
    lot_id: p.lotId ?? null,
    member_id: wallet.ref.memberId,
  }));
}

/** A member leaves the shared wallet: from now on their points live in their own (empty) accounts. */
export async function stopForwarding(trx: Trx, tenantId: string, memberId: string, currency: string) {
  await transferRepo.setForward(trx, tenantId, memberId, currency, null);
}

/** Members whose points live in `fromHolder`'s accounts follow them to `toHolder`'s. */
export async function repointForwards(
  trx: Trx,
  input: { tenantId: string; currency: string; fromHolder: string; toHolder: string },
) {
  await transferRepo.repointForwards(trx, input.tenantId, input.currency, input.fromHolder, input.toHolder);
}

export function listMemberCurrencies(trx: Trx, tenantId: string, memberId: string) {
  return transferRepo.listMemberCurrencies(trx, tenantId, memberId);
}
