import { computeAccountDeltas, planActivation, planExpiry } from '@kopilka/domain/ledger';
import { sql } from 'kysely';
import type { Db } from '../../platform/db';
import { inTransaction } from '../../platform/db';
import { newId } from '../../platform/ids';
import type { JobDefinition } from '../../platform/jobs';
import * as repo from './ledger.repository';
import { createInternalOperation } from './ledger.service';
import {
  type DueCursor,
  type ExpiryWrites,
  findMembersWithDueLots,
  lockWallets,
  selectDueLots,
  type WalletKey,
  writeExpiry,
} from './lot-expiry.repository';
import { applyPlan, openWallet, rowToLot } from './wallet.service';

const MEMBERS_PER_BATCH = 200;
// Expiry is set-based: a batch of this many members costs five statements, not ~10 per member.
// Each batch is one transaction holding those members' account locks for its duration (tens of
// milliseconds), so a purchase of one of them waits at most that long.
const EXPIRY_MEMBERS_PER_BATCH = 1000;
export const EXPIRY_WARNING_DAYS = 7;

type DueRow = { tenant_id: string; member_id: string; currency: string; lot_ids: string[] };

/**
 * Shared shape of the activation and expiry jobs: find members with due lots (no locks), then per
 * batch lock those members' accounts in a fixed order and let the domain plan from the locked,
 * fresh state. A second node running the same job at the same time waits on the lock and then
 * finds nothing left to do, so the jobs are idempotent and safe on several nodes; batches keep
 * every transaction short.
 */
async function runLotBatches(
  db: Db,
  findDue: (limit: number, exclude: string[]) => Promise<DueRow[]>,
  scope: string,
  plan: typeof planActivation,
  at: Date,
): Promise<number> {
  let processed = 0;
  // Members whose due lots produced no change (should not happen) are skipped for the rest of the
  // run so the loop always ends; everyone else's due lots are gone once processed.
  const stuck = new Set<string>();
  for (;;) {
    const due = (await findDue(MEMBERS_PER_BATCH, [...stuck])).sort((a, b) =>
      `${a.tenant_id}/${a.member_id}/${a.currency}`.localeCompare(
        `${b.tenant_id}/${b.member_id}/${b.currency}`,
      ),
    );
    if (due.length === 0) return processed;
    const progressed = new Set<string>();
    processed += await inTransaction(db, async (trx) => {
      progressed.clear();
      let n = 0;
      for (const row of due) {
        const wallet = await openWallet(
          trx,
          { tenantId: row.tenant_id, memberId: row.member_id, currency: row.currency },
          { now: at, extraLotIds: row.lot_ids },
        );
        const p = plan(wallet.state, at, { lotIds: row.lot_ids });
        if (p.postings.length > 0 || p.activatedLotIds.length > 0) {
          const operationId = await createInternalOperation(trx, row.tenant_id, scope);
          await applyPlan(trx, wallet, p, { operationId, now: at });
          n += p.activatedLotIds.length > 0 ? p.activatedLotIds.length : p.lotChanges.length;
          progressed.add(`${row.tenant_id}/${row.member_id}/${row.currency}`);
        }
      }
      return n;
    });
    for (const row of due) {
      const key = `${row.tenant_id}/${row.member_id}/${row.currency}`;
      if (!progressed.has(key)) stuck.add(key);
    }
  }
}

function dueQuery(db: Db, condition: ReturnType<typeof sql>, limit: number, exclude: string[]) {
  return sql<DueRow>`
    select tenant_id, member_id, currency, array_agg(id order by id) as lot_ids
    from (
      select tenant_id, member_id, currency, id from lot
      where ${condition}
        and (tenant_id || '/' || member_id || '/' || currency) <> all(${exclude}::text[])
      limit ${limit * 20}
    ) due
    group by tenant_id, member_id, currency
    limit ${limit}`
    .execute(db)
    .then((r) => r.rows);
}

export const activatePendingLotsJob: JobDefinition = {
  id: 'ledger.activate_pending',
  description: 'Pending points whose activation time has come become spendable (pending -> available).',
  run: async ({ db, at }) => ({
    processed: await runLotBatches(
      db,
      (limit, exclude) => dueQuery(db, sql`bucket = 'pending' and activates_at <= ${at}`, limit, exclude),
      'job:activate',
      planActivation,
      at,
    ),
  }),
};

const unexpected = (bucket: string): never => {
  throw new Error(`expiry planned a posting from '${bucket}'`);
};

const walletKey = (w: WalletKey) => `${w.tenant_id}/${w.member_id}/${w.currency}`;

/**
 * One expiry batch, in the caller's transaction: lock the members' accounts, read their due lots
 * (after the lock, so whatever a purchase left is what expires), let the domain plan each member's
 * expiry, and write every member's operation, postings, lot changes, balance and history entry in
 * one statement. Returns the number of lots expired.
 */
async function expireBatch(
  trx: Parameters<Parameters<typeof inTransaction>[1]>[0],
  wallets: readonly WalletKey[],
  at: Date,
): Promise<number> {
  const accounts = await lockWallets(trx, wallets);
  const lots = await selectDueLots(trx, wallets, at);
  const lotsByWallet = new Map<string, typeof lots>();
  for (const lot of lots) {
    const key = walletKey(lot);
    const list = lotsByWallet.get(key);
    if (list) list.push(lot);
    else lotsByWallet.set(key, [lot]);
  }
  const accountsByWallet = new Map<
    string,
    { available?: (typeof accounts)[number]; pending?: (typeof accounts)[number] }
  >();
  for (const a of accounts) {
    const entry = accountsByWallet.get(walletKey(a)) ?? {};
    if (a.kind === 'available' || a.kind === 'pending') entry[a.kind] = a;
    accountsByWallet.set(walletKey(a), entry);
  }
  const expiredAccounts = new Map<string, string>();
  const writes: ExpiryWrites = { operations: [], lotChanges: [], postings: [], balances: [], entries: [] };
  for (const wallet of wallets) {
    const key = walletKey(wallet);
    const due = lotsByWallet.get(key) ?? [];
    const { available, pending } = accountsByWallet.get(key) ?? {};
    // Only the due lots take part: the plan of each is independent of the member's other lots.
    const plan = planExpiry({ lots: due.map((l) => rowToLot(l)), debt: 0 }, at);
    if (plan.postings.length === 0 || !available || !pending) continue;
    const programKey = `${wallet.tenant_id}/${wallet.currency}`;
    let expiredId = expiredAccounts.get(programKey);
    if (!expiredId) {
      expiredId = (await repo.findProgramAccounts(trx, wallet.tenant_id, wallet.currency)).get('expired');
      if (!expiredId) throw new Error(`program account 'expired' missing for ${programKey}`);
      expiredAccounts.set(programKey, expiredId);
    }
    const operationId = newId('op');
    writes.operations.push({ id: operationId, tenantId: wallet.tenant_id });
    writes.lotChanges.push(...plan.lotChanges);
    for (const p of plan.postings) {
      writes.postings.push({
        tenantId: wallet.tenant_id,
        operationId,
        currency: wallet.currency,
        // Only lots in the available bucket are due (pending ones are activated first).
        from: p.from === 'available' ? available.id : unexpected(p.from),
        to: expiredId,
        points: p.points,
        lotId: p.lotId!,
        memberId: wallet.member_id,
      });
    }
    const delta = computeAccountDeltas(plan.postings).get('available') ?? 0;
    const balance = available.balance + delta;
    writes.balances.push({ accountId: available.id, balance });
    writes.entries.push({
      tenantId: wallet.tenant_id,
      memberId: wallet.member_id,
      currency: wallet.currency,
      operationId,
      points: delta,
      balanceAfter: balance,
      pendingAfter: pending.balance,
    });
  }
  if (writes.operations.length > 0) await writeExpiry(trx, writes, at);
  return writes.lotChanges.length;
}

/** Expires every lot due at `at`, batch by batch; returns the number of lots expired. */
export async function expireDueLots(db: Db, at: Date, membersPerBatch = EXPIRY_MEMBERS_PER_BATCH) {
  let processed = 0;
  // Pending lots are activated first (the job before this one); the condition matches the partial
  // index, so each batch and each idle tick is an index range scan that starts where the last
  // batch stopped. A member whose due lots another node expired meanwhile is simply passed over.
  let cursor: DueCursor = null;
  for (;;) {
    const due = await findMembersWithDueLots(db, at, membersPerBatch, cursor);
    if (due.wallets.length === 0) return processed;
    processed += await inTransaction(db, (trx) => expireBatch(trx, due.wallets, at));
    cursor = due.cursor;
  }
}

export const expireLotsJob: JobDefinition = {
  id: 'ledger.expire',
  description:
    'Points past their expiry leave the member (available -> expired); only what remains of each lot expires.',
  run: async ({ db, at }) => ({ processed: await expireDueLots(db, at) }),
};

// One `points.expiring` event per member and expiry instant, EXPIRY_WARNING_DAYS ahead; the
// outbox's unique dedupe key makes reruns and several nodes emit it once.
export const expiringWarningJob: JobDefinition = {
  id: 'ledger.expiring_warning',
  description: `Emits points.expiring events for points that expire within ${EXPIRY_WARNING_DAYS} days (for messages).`,
  run: async ({ db, at }) => {
    const until = new Date(at.getTime() + EXPIRY_WARNING_DAYS * 86_400_000);
    const r = await sql`
      insert into event_outbox (tenant_id, type, dedupe_key, member_id, payload, occurred_at)
      select tenant_id, 'points.expiring',
             member_id || ':' || currency || ':' || to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
             member_id,
             jsonb_build_object('memberId', member_id, 'currency', currency, 'points', sum(remaining),
                                'expiresAt', to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
             ${at}
      from lot
      where bucket = 'available' and remaining > 0 and expires_at > ${at} and expires_at <= ${until}
      group by tenant_id, member_id, currency, expires_at
      on conflict (tenant_id, type, dedupe_key) where dedupe_key is not null do nothing`.execute(db);
    return { processed: Number(r.numAffectedRows ?? 0) };
  },
};

export const releaseLapsedHoldsJob: JobDefinition = {
  id: 'ledger.release_lapsed_holds',
  description:
    'Deletes holds whose time ran out (calculations already ignore them; this keeps the table small).',
  run: async ({ db, at }) => {
    const r = await db.deleteFrom('points_hold').where('expires_at', '<=', at).executeTakeFirst();
    return { processed: Number(r.numDeletedRows) };
  },
};

export const ledgerJobs: readonly JobDefinition[] = [
  activatePendingLotsJob,
  expireLotsJob,
  expiringWarningJob,
  releaseLapsedHoldsJob,
];
