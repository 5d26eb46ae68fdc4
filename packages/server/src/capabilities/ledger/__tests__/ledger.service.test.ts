import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../platform/db';
import { createJobRunner } from '../../../platform/jobs';
import { createLogger } from '../../../platform/logger';
import { describeEachEngine } from '../../../testing/engines';
import { seedTenant } from '../../../testing/test-app';
import { ledgerJobs } from '../ledger.jobs';
import { listHistory } from '../ledger.service';
import { accrue, getBalance, revoke, spend, verify, walletRef } from './ledger-fixtures';

const DAY = 86_400_000;

describeEachEngine('ledger service', (engine) => {
  let h: DatabaseHandle;
  let tenantId: string;
  const jobs = () =>
    createJobRunner({ db: h.db, logger: createLogger({ LOG_LEVEL: 'silent' }), jobs: ledgerJobs });

  beforeAll(async () => {
    h = await engine.open();
    tenantId = (await seedTenant(h.db)).tenantId;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('accrues, spends by earliest expiry, reports balance and history', async () => {
    const now = new Date('2026-11-01T10:00:00Z');
    const ref = walletRef(tenantId);
    const late = await accrue(h.db, ref, 100, now, { expiresAt: new Date('2027-06-01T00:00:00Z') });
    const soon = await accrue(h.db, ref, 50, now, { expiresAt: new Date('2027-01-01T00:00:00Z') });
    const never = await accrue(h.db, ref, 30, now);
    const taken = await spend(h.db, ref, 70, now);
    expect(taken).toEqual([
      { lotId: soon, points: 50 },
      { lotId: late, points: 20 },
    ]);
    const balance = await getBalance(h.db, tenantId, ref.memberId, now);
    expect(balance).toEqual({
      available: 110,
      pending: 0,
      expiring: [{ points: 80, expiresAt: '2027-06-01T00:00:00.000Z' }],
    });
    expect(never).toMatch(/^lot_/);
    const history = await listHistory(h.db, tenantId, ref.memberId, { limit: 2 });
    expect(history.items.map((e) => [e.kind, e.points, e.balanceAfter])).toEqual([
      ['spend', -70, 110],
      ['accrue', 30, 180],
    ]);
    const next = await listHistory(h.db, tenantId, ref.memberId, { limit: 10, cursor: history.nextCursor! });
    expect(next.items.map((e) => e.points)).toEqual([50, 100]);
    expect(next.nextCursor).toBeNull();
    expect((await verify(h.db, tenantId)).problems).toEqual([]);
  });

  it('revokes spent points into debt, and later accruals repay it first', async () => {
    const now = new Date('2026-11-02T10:00:00Z');
    const ref = walletRef(tenantId);
    const lot = await accrue(h.db, ref, 40, now);
    await spend(h.db, ref, 30, now);
    await revoke(h.db, ref, lot, 40, 'debt', now);
    expect((await getBalance(h.db, tenantId, ref.memberId, now)).available).toBe(-30);
    await accrue(h.db, ref, 50, now);
    expect((await getBalance(h.db, tenantId, ref.memberId, now)).available).toBe(20);
    expect((await verify(h.db, tenantId)).problems).toEqual([]);
  });

  it('clamps a revocation under the clamp policy and writes off the rest', async () => {
    const now = new Date('2026-11-02T10:00:00Z');
    const ref = walletRef(tenantId);
    const lot = await accrue(h.db, ref, 40, now);
    await spend(h.db, ref, 30, now);
    expect(await revoke(h.db, ref, lot, 40, 'clamp', now)).toBe(30);
    expect((await getBalance(h.db, tenantId, ref.memberId, now)).available).toBe(0);
  });

  it('activates pending points and expires lots by jobs, idempotently, at month and zone boundaries', async () => {
    const t0 = new Date('2026-11-20T12:00:00Z');
    const ref = walletRef(tenantId);
    // Moscow midnight of 1 December is 21:00 UTC on 30 November.
    const activatesAt = new Date('2026-11-30T21:00:00Z');
    const expiresAt = new Date('2026-12-31T21:00:00Z');
    await accrue(h.db, ref, 25, t0, { activatesAt, expiresAt });
    expect(await getBalance(h.db, tenantId, ref.memberId, t0)).toMatchObject({ available: 0, pending: 25 });

    const before = await jobs().runAll(new Date(activatesAt.getTime() - 1000));
    expect(before.find((r) => r.job === 'ledger.activate_pending')?.processed).toBe(0);
    const at = await jobs().runAll(activatesAt);
    expect(at.find((r) => r.job === 'ledger.activate_pending')?.processed).toBe(1);
    expect(
      (await jobs().runAll(activatesAt)).find((r) => r.job === 'ledger.activate_pending')?.processed,
    ).toBe(0);
    expect(await getBalance(h.db, tenantId, ref.memberId, activatesAt)).toMatchObject({
      available: 25,
      pending: 0,
    });

    const warned = await jobs().runAll(new Date(expiresAt.getTime() - 3 * DAY));
    expect(warned.find((r) => r.job === 'ledger.expiring_warning')?.processed).toBeGreaterThanOrEqual(1);
    const events = await h.db
      .selectFrom('event_outbox')
      .selectAll()
      .where('member_id', '=', ref.memberId)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ points: 25, expiresAt: '2026-12-31T21:00:00Z' });
    await jobs().runAll(new Date(expiresAt.getTime() - 2 * DAY));
    expect(
      await h.db.selectFrom('event_outbox').selectAll().where('member_id', '=', ref.memberId).execute(),
    ).toHaveLength(1);

    // A spend never takes points past their expiry, even before the expiry job posts it.
    await expect(spend(h.db, ref, 1, expiresAt)).rejects.toThrow();
    await jobs().runAll(new Date(expiresAt.getTime() - 1));
    expect(
      (await getBalance(h.db, tenantId, ref.memberId, new Date(expiresAt.getTime() - 1))).available,
    ).toBe(25);
    const ran = await jobs().runAll(expiresAt);
    expect(ran.find((r) => r.job === 'ledger.expire')?.processed).toBeGreaterThanOrEqual(1);
    expect(await getBalance(h.db, tenantId, ref.memberId, expiresAt)).toMatchObject({
      available: 0,
      pending: 0,
    });
    const kinds = (await listHistory(h.db, tenantId, ref.memberId, { limit: 10 })).items.map((e) => [
      e.kind,
      e.points,
    ]);
    expect(kinds).toEqual([
      ['expire', -25],
      ['activate', 25],
      ['accrue', 25],
    ]);
    expect((await verify(h.db, tenantId)).ok).toBe(true);
  });

  it('revoking points that already expired takes nothing more from the member', async () => {
    const t0 = new Date('2026-06-01T00:00:00Z');
    const ref = walletRef(tenantId);
    const earned = await accrue(h.db, ref, 10, t0, { expiresAt: new Date('2026-07-01T00:00:00Z') });
    await accrue(h.db, ref, 50, t0);
    const later = new Date('2026-07-02T00:00:00Z');
    await jobs().runAll(later);
    expect((await getBalance(h.db, tenantId, ref.memberId, later)).available).toBe(50);
    await revoke(h.db, ref, earned, 10, 'debt', later);
    expect((await getBalance(h.db, tenantId, ref.memberId, later)).available).toBe(50);
    expect((await verify(h.db, tenantId)).problems).toEqual([]);
  });

  it('rejects UPDATE, DELETE and TRUNCATE of postings and history', async () => {
    await expect(sql`update posting set points = points + 1`.execute(h.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from posting`.execute(h.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate posting`.execute(h.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from ledger_entry`.execute(h.db)).rejects.toThrow(/append-only/);
  });

  it('verify reports a tampered cached balance', async () => {
    const ref = walletRef(tenantId);
    const now = new Date('2026-11-03T00:00:00Z');
    await accrue(h.db, ref, 10, now);
    await h.db
      .updateTable('account')
      .set({ balance: 11 })
      .where('member_id', '=', ref.memberId)
      .where('kind', '=', 'available')
      .execute();
    const report = await verify(h.db, tenantId);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain('balance_mismatch');
    await h.db
      .updateTable('account')
      .set({ balance: 10 })
      .where('member_id', '=', ref.memberId)
      .where('kind', '=', 'available')
      .execute();
    expect((await verify(h.db, tenantId)).ok).toBe(true);
  });

  it('30 concurrent spends of 10 against 150: exactly 15 succeed, balance ends at 0', async () => {
    const now = new Date('2026-11-04T00:00:00Z');
    const ref = walletRef(tenantId);
    await accrue(h.db, ref, 150, now);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => spend(h.db, ref, 10, now)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(15);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.every((r) => (r.reason as { code?: string }).code === 'insufficient_points')).toBe(true);
    expect((await getBalance(h.db, tenantId, ref.memberId, now)).available).toBe(0);
    expect((await verify(h.db, tenantId)).ok).toBe(true);
  });

  it('two members trading concurrently cannot deadlock', async () => {
    const now = new Date('2026-11-05T00:00:00Z');
    const a = walletRef(tenantId);
    const b = walletRef(tenantId);
    await accrue(h.db, a, 100, now);
    await accrue(h.db, b, 100, now);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? spend(h.db, a, 1, now) : spend(h.db, b, 1, now))),
    );
    expect((await getBalance(h.db, tenantId, a.memberId, now)).available).toBe(90);
    expect((await getBalance(h.db, tenantId, b.memberId, now)).available).toBe(90);
  });
});
