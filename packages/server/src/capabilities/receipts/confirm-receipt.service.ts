import { computeSpendablePoints } from '@kopilka/domain/ledger';
import { checkSpend, type ReceiptCalculation } from '@kopilka/domain/receipts';
import type { Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { runIdempotent } from '../../platform/idempotency';
import { json, WriteBatch } from '../../platform/write-batch';
import { recordCampaignUsage } from '../campaigns/campaigns.service';
import { queueEvent } from '../events/events.service';
import {
  accrueToWallet,
  releaseReceiptHolds,
  spendFromWallet,
  walletBalance,
} from '../ledger/ledger.service';
import type { Wallet } from '../ledger/wallet.service';
import { onReceiptConfirmed } from '../tiers/tiers.service';
import {
  loadPricingInputs,
  loadProgramFor,
  occurredAtOf,
  openReceiptWallet,
  resolveReceiptMember,
  runCalculation,
} from './receipt-context.service';
import { calculationView } from './receipt-view';
import type { ReceiptBodyInput, ReceiptViewType } from './receipts.schemas';

export const CONFIRM_SCOPE = 'receipt.confirm';

/**
 * POST /v1/receipts/confirm. Exactly once per receiptId: the operation row makes a concurrent
 * replay wait for the first and answer with its stored response. Inside, the member's accounts are
 * locked before the spend is checked, so concurrent receipts of one member cannot overdraw.
 *
 * Reads and counted limits go to the database as they happen; the writes that depend on nothing
 * read afterwards (lots, postings, balances, history, the receipt and its lines, the outbox event,
 * the stored response) are queued in one batch and sent as a single statement (ADR 0006).
 */
export async function confirmReceipt(
  trx: Trx,
  tenantId: string,
  body: ReceiptBodyInput,
  now: Date,
): Promise<{ status: number; body: ReceiptViewType; replayed: boolean }> {
  const batch = new WriteBatch();
  const result = await runIdempotent<ReceiptViewType>(
    trx,
    { tenantId, scope: CONFIRM_SCOPE, key: body.receiptId, request: body },
    async (operationId) => {
      const occurredAt = occurredAtOf(body, now);
      const { program, version } = await loadProgramFor(trx, tenantId, occurredAt, now);
      let member = await resolveReceiptMember(trx, tenantId, body, now);
      let wallet: Wallet | null = null;
      if (member) ({ member, wallet } = await openReceiptWallet(trx, tenantId, body, member, now));
      const memberId = member?.memberId ?? null;
      const { campaigns, tier } = await loadPricingInputs(
        trx,
        tenantId,
        member?.canEarn ? memberId : null,
        occurredAt,
        body.coupons ?? [],
      );
      // Points this receipt reserved at calculate (if any) are its own to spend.
      const holdId = wallet?.holdsByReceipt.get(body.receiptId);
      const available =
        wallet && member?.canSpend ? computeSpendablePoints(wallet.state, now, holdId ? { holdId } : {}) : 0;
      const requested = body.pointsToSpend ?? 0;
      // Campaign limits and budgets are counted inside this transaction; if another till exhausted
      // one meanwhile, the receipt is priced again without it (a few rounds at most).
      let usable = campaigns;
      let calc = runCalculation({
        body,
        occurredAt,
        member,
        availablePoints: available,
        tier,
        program,
        campaigns: usable,
        now,
      });
      for (let round = 0; ; round++) {
        const usage = await recordCampaignUsage(trx, {
          tenantId,
          memberId,
          receiptId: body.receiptId,
          calculation: calc,
          now,
        });
        if (usage.ok) break;
        if (round >= 5)
          throw new AppError('conflict', 'Campaign budgets changed while confirming; retry the request.');
        const exhausted = new Set(usage.exhaustedCampaignIds);
        usable = usable.filter((c) => !exhausted.has(c.campaignId));
        calc = runCalculation({
          body,
          occurredAt,
          member,
          availablePoints: available,
          tier,
          program,
          campaigns: usable,
          now,
        });
      }

      const spendCheck = checkSpend(calc, requested, available);
      if (!spendCheck.ok) {
        if (spendCheck.code === 'insufficient_points') {
          throw new AppError(
            'insufficient_points',
            `The member has ${Math.max(0, available)} points available; the receipt asks to spend ${requested}.`,
            {
              available: Math.max(0, available),
              requested,
            },
          );
        }
        throw new AppError(
          'points_limit_exceeded',
          `The program allows at most ${spendCheck.maxPointsToSpend} points on this receipt; it asks to spend ${requested}.`,
          { maxPointsToSpend: spendCheck.maxPointsToSpend, requested },
        );
      }

      const ctx = { operationId, now, receiptId: body.receiptId, batch };
      let allocation: { lotId: string; points: number }[] = [];
      let earnLotId: string | null = null;
      if (wallet && calc.totals.pointsSpent > 0) {
        const spent = await spendFromWallet(
          trx,
          wallet,
          holdId ? { points: calc.totals.pointsSpent, holdId } : { points: calc.totals.pointsSpent },
          ctx,
        );
        if (!spent.ok)
          throw new AppError('insufficient_points', `The member has ${spent.available} points available.`, {
            available: spent.available,
          });
        wallet = spent.wallet;
        allocation = spent.allocation;
      }
      if (holdId && calc.totals.pointsSpent === 0) await releaseReceiptHolds(trx, tenantId, body.receiptId);
      if (wallet && member?.canEarn && calc.earn.points > 0) {
        const earned = await accrueToWallet(
          trx,
          wallet,
          { points: calc.earn.points, activatesAt: calc.earn.activatesAt, expiresAt: calc.earn.expiresAt },
          ctx,
        );
        wallet = earned.wallet;
        earnLotId = earned.lotId;
      }

      const balance = wallet ? walletBalance(wallet, now) : null;
      const view = calculationView(calc, 'confirmed', {
        memberId,
        storeId: body.storeId ?? null,
        terminalId: body.terminalId ?? null,
        balance: balance ? { available: balance.available, pending: balance.pending } : null,
        earns: Boolean(member?.canEarn),
      });
      queueReceipt(batch, {
        tenantId,
        body,
        calc,
        view,
        memberId,
        occurredAt,
        now,
        programVersion: version,
        earnLotId,
        allocation,
        operationId,
      });
      if (memberId) {
        await onReceiptConfirmed(
          trx,
          {
            tenantId,
            memberId,
            receiptId: body.receiptId,
            payableMinor: calc.totals.payableMinor,
            occurredAt,
            now,
          },
          batch,
        );
      }
      queueEvent(batch, {
        tenantId,
        type: 'receipt.confirmed',
        memberId,
        payload: {
          receiptId: body.receiptId,
          memberId,
          storeId: body.storeId ?? null,
          totals: view.totals,
          occurredAt: view.occurredAt,
        },
        at: now,
      });
      return { status: 201, body: view };
    },
    batch,
  );
  return { status: result.status, body: result.body, replayed: result.replayed };
}

function queueReceipt(
  batch: WriteBatch,
  r: {
    tenantId: string;
    body: ReceiptBodyInput;
    calc: ReceiptCalculation;
    view: ReceiptViewType;
    memberId: string | null;
    occurredAt: Date;
    now: Date;
    programVersion: number;
    earnLotId: string | null;
    allocation: { lotId: string; points: number }[];
    operationId: string;
  },
): void {
  const t = r.calc.totals;
  batch.insert('receipt', [
    {
      tenant_id: r.tenantId,
      id: r.body.receiptId,
      member_id: r.memberId,
      store_id: r.body.storeId ?? null,
      terminal_id: r.body.terminalId ?? null,
      channel: r.body.channel ?? null,
      status: 'confirmed',
      occurred_at: r.occurredAt,
      confirmed_at: r.now,
      currency: r.calc.currency,
      program_version: r.programVersion,
      amount_minor: t.amountMinor,
      discount_minor: t.discountMinor,
      points_spent: t.pointsSpent,
      points_spent_minor: t.pointsSpentMinor,
      payable_minor: t.payableMinor,
      points_earned: r.earnLotId ? t.pointsEarned : 0,
      earn_lot_id: r.earnLotId,
      spend_allocation: json(r.allocation),
      effects: json(r.view.effects),
      coupons: json(r.view.coupons),
      earn: json(r.view.earn),
      operation_id: r.operationId,
    },
  ]);
  batch.insert(
    'receipt_line',
    r.calc.lines.map((l, i) => ({
      tenant_id: r.tenantId,
      receipt_id: r.body.receiptId,
      line_no: i,
      line_id: l.lineId,
      sku: l.sku,
      category: l.category,
      quantity_milli: l.quantityMilli,
      amount_minor: l.amountMinor,
      discount_minor: l.discountMinor,
      discount_percent: l.discountPercent,
      points_spent: l.pointsSpent,
      points_spent_minor: l.pointsSpentMinor,
      payable_minor: l.payableMinor,
      points_earned: r.earnLotId ? l.pointsEarned : 0,
    })),
  );
}
