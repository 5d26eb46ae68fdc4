import { computeSpendablePoints } from '@kopilka/domain/ledger';
import type { Db } from '../../platform/db';
import { getBalance } from '../ledger/ledger.service';
import * as ledgerRepo from '../ledger/ledger.repository';
import { POINTS, rowToLot } from '../ledger/wallet.service';
import { calculationView } from './receipt-view';
import {
  loadPricingInputs,
  loadProgramFor,
  occurredAtOf,
  resolveReceiptMember,
  runCalculation,
} from './receipt-context.service';
import type { ReceiptBodyInput, ReceiptViewType } from './receipts.schemas';

/** POST /v1/receipts/calculate: prices the receipt, applies pointsToSpend up to the cap, writes nothing. */
export async function calculateReceiptPreview(db: Db, tenantId: string, body: ReceiptBodyInput, now: Date): Promise<ReceiptViewType> {
  const occurredAt = occurredAtOf(body, now);
  const { program } = await loadProgramFor(db, tenantId, occurredAt, now);
  const member = await resolveReceiptMember(db, tenantId, body, now);
  const memberId = member?.memberId ?? null;
  const [{ campaigns, tier }, lots, accounts] = await Promise.all([
    loadPricingInputs(db, tenantId, member?.canEarn ? memberId : null, occurredAt),
    memberId ? ledgerRepo.selectLots(db, tenantId, memberId, POINTS, []) : Promise.resolve([]),
    memberId ? ledgerRepo.findMemberAccounts(db, tenantId, memberId, POINTS) : Promise.resolve([]),
  ]);
  const debt = accounts.find((a) => a.kind === 'available')?.debt ?? 0;
  const availablePoints = computeSpendablePoints({ lots: lots.map(rowToLot), debt }, now);
  const calc = runCalculation({ body, occurredAt, member, availablePoints, tier, program, campaigns, now });
  const balance = memberId ? await getBalance(db, tenantId, memberId, now) : null;
  return calculationView(calc, 'calculated', {
    memberId,
    storeId: body.storeId ?? null,
    terminalId: body.terminalId ?? null,
    balance: balance ? { available: balance.available, pending: balance.pending } : null,
    earns: Boolean(member?.canEarn),
  });
}
