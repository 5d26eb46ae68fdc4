import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { addLocalDays } from '@kopilka/domain/time';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../platform/config';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, seedTenant, type TestApp, type TestTenant } from '../../../testing/test-app';
import { createApiKey } from '../../staff/staff.service';
import { exportBalances } from '../export-balances.service';
import { type BalanceImportProblem, importBalances } from '../import-balances.service';
import { runExportCommand, runImportCommand } from '../members.cli';

const NOW = new Date('2026-11-22T10:00:00Z');

describeEachEngine('Balance import and export', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { now: NOW });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function run(
    csv: string | Readable,
    tenant: TestTenant = t.tenant,
    extra: { dryRun?: boolean; batchSize?: number; now?: Date } = {},
  ) {
    const problems: BalanceImportProblem[] = [];
    const report = await importBalances({
      db: t.db,
      tenantId: tenant.tenantId,
      input: typeof csv === 'string' ? Readable.from([csv]) : csv,
      now: extra.now ?? NOW,
      onProblem: (p) => problems.push(p),
      ...(extra.dryRun !== undefined ? { dryRun: extra.dryRun } : {}),
      ...(extra.batchSize !== undefined ? { batchSize: extra.batchSize } : {}),
    });
    return { report, problems, byLine: new Map(problems.map((p) => [p.line, p])) };
  }

  async function member(tenant: TestTenant, body: Record<string, unknown>): Promise<string> {
    const res = await t.call({ method: 'POST', url: '/v1/members', key: tenant.apiKey, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().memberId as string;
  }

  const balance = async (tenant: TestTenant, memberId: string) =>
    (await t.call({ method: 'GET', url: `/v1/members/${memberId}/balance`, key: tenant.apiKey })).json()
      .points;

  async function verifyLedgerOk(tenant: TestTenant) {
    const res = await t.call({ method: 'GET', url: '/v1/admin/ledger/verify', key: tenant.apiKey });
    expect(res.json().problems).toEqual([]);
    expect(res.json().ok).toBe(true);
  }

  it('credits each row as a lot with its expiry, reports every bad row, and a re-run credits nothing', async () => {
    const p = await seedTenant(t.db);
    const byId = await member(p, { phone: '+79161230001' });
    const byExternal = await member(p, { externalId: 'old-42' });
    const byPhone = await member(p, { phone: '+79161230003' });
    const card = (await t.call({ method: 'GET', url: `/v1/members/${byPhone}`, key: p.apiKey })).json()
      .cardNumber as string;
    const blocked = await member(p, { phone: '+79161230004' });
    await t.call({ method: 'POST', url: `/v1/members/${blocked}/block`, key: p.apiKey, payload: {} });
    const csv = [
      'memberId;externalId;phone;card;points;expiresAt;activatesAt;currency;comment;legacyTier',
      `${byId};;;;100;2027-03-31;;;migrated;gold`, // 2
      ';old-42;;;250;31.12.2027;;;;', // 3
      ';;8 (916) 123-00-03;;40;2027-06-30T12:00:00Z;;;;', // 4
      `;;;${card};60;never;;;;`, // 5: the same member by card
      ';;+79161230003;;30;;2026-12-01;;pending;', // 6: pending until Dec 1
      `${byId};;;;5;;;stamps;;`, // 7: another currency
      `${blocked};;;;7;;;;;`, // 8: blocked members keep their balance
      `${byId};;;;100;2027-03-31;;;migrated;gold`, // 9: identical to line 2: a second credit
      ';nobody;;;10;;;;;', // 10: unknown externalId
      `${byId};;;;12.5;;;;;`, // 11: not a whole number
      `${byId};;;;-5;;;;;`, // 12: negative
      `${byId};;;;0;;;;;`, // 13: zero
      `${byId};;;;10;2027-02-30;;;;`, // 14: no such date
      `${byId};;;;10;2026-01-01;;;;`, // 15: already expired
      `${byId};;;;10;;;miles;;`, // 16: unknown currency
      `${byId};old-42;;;10;;;;;`, // 17: two different members
      ';;;;10;;;;;', // 18: no member
      ';;not-a-phone;;10;;;;;', // 19: bad phone
      `${byId};;;;10;2027-01-01;2027-02-01;;;`, // 20: activates after it expires
      '',
    ].join('\n');
    const first = await run(csv, p, { batchSize: 3 });
    expect(first.report).toMatchObject({
      rows: 19,
      credited: 8,
      points: { points: 100 + 250 + 40 + 60 + 30 + 7 + 100, stamps: 5 },
      alreadyImported: 0,
      unknownMembers: 1,
      invalid: 10,
      ignoredColumns: ['legacyTier'],
    });
    expect([...first.byLine.keys()].sort((a, b) => a - b)).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
    expect(first.byLine.get(10)).toMatchObject({
      outcome: 'unknown_member',
      reason: expect.stringMatching(/externalId 'nobody'/),
    });
    expect(first.byLine.get(11)?.reason).toMatch(/points must be a whole number/);
    expect(first.byLine.get(12)?.reason).toMatch(/must not be negative/);
    expect(first.byLine.get(13)?.reason).toMatch(/nothing to credit/);
    expect(first.byLine.get(14)?.reason).toMatch(/expiresAt '2027-02-30' is not a real calendar date/);
    expect(first.byLine.get(15)?.reason).toMatch(/has passed/);
    expect(first.byLine.get(16)?.reason).toMatch(/currency must be one of/);
    expect(first.byLine.get(17)?.reason).toMatch(/different members/);
    expect(first.byLine.get(18)?.reason).toMatch(/names no member/);
    expect(first.byLine.get(19)?.reason).toMatch(/not a valid phone/);
    expect(first.byLine.get(20)?.reason).toMatch(/activatesAt must come before expiresAt/);

    // A bare date is usable through that day in the program's zone (Moscow, UTC+3).
    expect(await balance(p, byId)).toEqual({
      available: 200,
      pending: 0,
      expiring: [{ points: 200, expiresAt: '2027-03-31T21:00:00.000Z' }],
    });
    expect(await balance(p, byExternal)).toMatchObject({
      available: 250,
      expiring: [{ points: 250, expiresAt: '2027-12-31T21:00:00.000Z' }],
    });
    expect(await balance(p, byPhone)).toEqual({
      available: 100,
      pending: 30,
      expiring: [{ points: 40, expiresAt: '2027-06-30T12:00:00.000Z' }],
    });
    const history = (
      await t.call({ method: 'GET', url: `/v1/members/${byId}/history`, key: p.apiKey })
    ).json().items;
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ kind: 'import', points: 100, balanceAfter: 200, reason: 'migrated' });
    const pendingLot = await t.db
      .selectFrom('lot')
      .select(['bucket', 'activates_at', 'expires_at'])
      .where('member_id', '=', byPhone)
      .where('bucket', '=', 'pending')
      .executeTakeFirstOrThrow();
    // No expiry given: the program's rule (365 days) counted from when the points become spendable.
    expect(pendingLot.activates_at.toISOString()).toBe('2026-11-30T21:00:00.000Z');
    expect(pendingLot.expires_at?.toISOString()).toBe(
      addLocalDays(new Date('2026-11-30T21:00:00Z'), 365, 'Europe/Moscow').toISOString(),
    );
    const postings = await t.db
      .selectFrom('posting as p')
      .innerJoin('account as f', 'f.id', 'p.from_account_id')
      .select(['f.kind', 'f.member_id'])
      .where('p.member_id', '=', byExternal)
      .execute();
    expect(postings).toEqual([{ kind: 'issued', member_id: null }]);
    await verifyLedgerOk(p);

    const again = await run(csv, p);
    expect(again.report).toMatchObject({ credited: 0, alreadyImported: 8, invalid: 10, unknownMembers: 1 });
    expect(again.byLine.get(2)).toMatchObject({
      outcome: 'already_imported',
      memberId: byId,
      reason: expect.stringContaining(`${first.report.importId}, line 2`),
    });
    expect(again.byLine.get(9)?.reason).toContain(`${first.report.importId}, line 9`);
    expect((await balance(p, byId)).available).toBe(200);

    // Fixing a bad row and adding a line above it: only the fixed row is credited.
    const fixed = csv
      .replace(`${byId};;;;12.5;;;;;`, `${byId};;;;12;;;;;`)
      .replace(';nobody;;;10;;;;;', ';nobody;;;10;;;;;\n;old-42;;;250;31.12.2027;;;;');
    const third = await run(fixed, p);
    expect(third.report).toMatchObject({ credited: 2, alreadyImported: 8 });
    expect((await balance(p, byId)).available).toBe(212);
    expect((await balance(p, byExternal)).available).toBe(500);
    await verifyLedgerOk(p);

    // Pending points become available through the activation job, and the ledger still holds.
    const jobs = await t.call({
      method: 'POST',
      url: '/v1/admin/jobs/run',
      key: p.apiKey,
      payload: { at: '2026-12-01T00:00:00Z' },
    });
    expect(jobs.statusCode, jobs.body).toBe(200);
    await verifyLedgerOk(p);
  });

  it('a run that fails half-way is completed by a re-run, every row credited exactly once', async () => {
    const p = await seedTenant(t.db);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await member(p, { externalId: `m-${i}` }));
    const rows = ['externalId,points,expiresAt'];
    for (let i = 0; i < 60; i++) rows.push(`m-${i % 12},${i + 1},2027-06-01`);
    const csv = `${rows.join('\n')}\n`;
    const claimed = async () =>
      (
        await t.db
          .selectFrom('operation')
          .select('key')
          .where('tenant_id', '=', p.tenantId)
          .where('scope', '=', 'balance.import')
          .execute()
      ).length;
    // The file "breaks" after 25 rows, once two batches of 10 are in: those stay, the rest is lost.
    const text = csv.split('\n');
    const broken = Readable.from(
      (async function* () {
        for (const line of text.slice(0, 26)) yield `${line}\n`;
        while ((await claimed()) < 20) await new Promise((r) => setTimeout(r, 10));
        throw new Error('disk read error');
      })(),
    );
    await expect(run(broken, p, { batchSize: 10 })).rejects.toThrow(/disk read error/);
    expect(await claimed()).toBe(20);
    const second = await run(csv, p, { batchSize: 7 });
    expect(second.report).toMatchObject({ credited: 40, alreadyImported: 20, invalid: 0 });
    let total = 0;
    for (const id of ids) total += (await balance(p, id)).available;
    expect(total).toBe((60 * 61) / 2);
    await verifyLedgerOk(p);
  });

  it('a dry run checks everything and credits nothing', async () => {
    const p = await seedTenant(t.db);
    const id = await member(p, { phone: '+79161239999' });
    const csv = 'phone,points\n+79161239999,10\n+79161230000,5\n';
    const dry = await run(csv, p, { dryRun: true });
    expect(dry.report).toMatchObject({ dryRun: true, credited: 1, unknownMembers: 1 });
    expect((await balance(p, id)).available).toBe(0);
    await run(csv, p);
    expect((await run(csv, p, { dryRun: true })).report).toMatchObject({ credited: 0, alreadyImported: 1 });
  });

  it('rejects a file without the needed columns', async () => {
    await expect(run('phone,amount\n+79161230001,5\n')).rejects.toThrow(/points and at least one of/);
    await expect(run('')).rejects.toThrow(/empty/);
  });

  it('exports balances as CSV (service and GET /v1/exports/balances.csv), members without points left out', async () => {
    const p = await seedTenant(t.db);
    const a = await member(p, { phone: '+79161235501', externalId: 'x-1' });
    const b = await member(p, { phone: '+79161235502' });
    await member(p, { phone: '+79161235503' }); // never had points
    await run(
      `memberId,points,expiresAt,activatesAt,currency\n${a},70,2027-01-31,,\n${a},30,2027-05-31,,\n${b},9,,2026-12-10,\n${b},4,never,,stamps\n`,
      p,
    );
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    });
    const result = await exportBalances(t.db, p.tenantId, sink, { now: NOW });
    const expected = [
      'memberId,externalId,phone,currency,available,pending,nextExpiresAt,nextExpiringPoints',
      ...[
        `${a},x-1,+79161235501,points,100,0,2027-01-31T21:00:00.000Z,70`,
        `${b},,+79161235502,points,0,9,,`,
        `${b},,+79161235502,stamps,4,0,,`,
      ].sort((x, y) => (x.slice(0, 30) < y.slice(0, 30) ? -1 : 1)),
    ];
    expect(result).toEqual({ rows: 3, members: 2 });
    expect(chunks.join('').trim().split('\n')).toEqual(expected);

    const http = await t.call({ method: 'GET', url: '/v1/exports/balances.csv', key: p.apiKey });
    expect(http.statusCode).toBe(200);
    expect(http.headers['content-type']).toMatch(/^text\/csv/);
    expect(http.body.trim().split('\n')).toEqual(expected);
    const stamps = await t.call({
      method: 'GET',
      url: '/v1/exports/balances.csv?currency=stamps',
      key: p.apiKey,
    });
    expect(stamps.body.trim().split('\n')).toEqual([expected[0], `${b},,+79161235502,stamps,4,0,,`]);
    const bad = await t.call({ method: 'GET', url: '/v1/exports/balances.csv?currency=euro', key: p.apiKey });
    expect(bad.statusCode).toBe(400);
    const membersOnly = await createApiKey(t.db, {
      tenantId: p.tenantId,
      name: 'crm',
      scopes: ['members:read'],
      createdBy: null,
    });
    const forbidden = await t.call({ method: 'GET', url: '/v1/exports/balances.csv', key: membersOnly.key });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.details).toMatchObject({ requiredScope: 'ledger:read' });
  });

  it('the CLI imports with a report file and exports (kopilka import|export balances)', async () => {
    const p = await seedTenant(t.db);
    const id = await member(p, { externalId: 'cli-1' });
    const dir = mkdtempSync(join(tmpdir(), 'kopilka-balances-'));
    const file = join(dir, 'balances.csv');
    const reportFile = join(dir, 'report.csv');
    const out = join(dir, 'out.csv');
    writeFileSync(file, 'externalId,points,comment\ncli-1,15,"from the old, card program"\ncli-2,5,\n');
    const config = loadConfig({ LOG_LEVEL: 'silent', KOPILKA_DEMO: '0', NODE_ENV: 'test' });
    const withDatabase = async <T>(_c: unknown, fn: (h: typeof t.handle) => Promise<T>) => fn(t.handle);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const membersFile = join(dir, 'members.csv');
      const membersReport = join(dir, 'members-report.csv');
      writeFileSync(membersFile, 'externalId,phone\ncli-9,+79161230909\ncli-bad,12\n');
      expect(
        await runImportCommand(
          ['members', membersFile, '--tenant', p.slug, '--report', membersReport],
          config,
          withDatabase,
        ),
      ).toBe(0);
      expect(stdout.mock.calls.map((c) => String(c[0])).join('')).toMatch(/members created\s+1/);
      expect(readFileSync(membersReport, 'utf8')).toMatch(
        /^line,outcome,reason,memberId\n3,invalid,"?phone /,
      );
      expect(await runImportCommand(['members', membersFile, '--workers', 'x'], config, withDatabase)).toBe(
        2,
      );
      expect(
        await runImportCommand(
          ['balances', file, '--tenant', p.slug, '--report', reportFile],
          config,
          withDatabase,
        ),
      ).toBe(0);
      expect(stdout.mock.calls.map((c) => String(c[0])).join('')).toMatch(/rows credited\s+1 \(15 points\)/);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/line 3: unknown member/);
      expect(readFileSync(reportFile, 'utf8')).toBe(
        "line,outcome,reason,memberId\n3,unknown_member,no member of this program has externalId 'cli-2',\n",
      );
      expect(await runImportCommand(['balances', file, '--tenant', p.slug], config, withDatabase)).toBe(0);
      expect(stdout.mock.calls.map((c) => String(c[0])).join('')).toMatch(/already imported before\s+1/);
      expect(await runImportCommand(['balances', file, '--batch', '0'], config, withDatabase)).toBe(2);
      expect(await runExportCommand(['balances', out, '--tenant', p.slug], config, withDatabase)).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain(`${id},cli-1,,points,15,0,`);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect((await balance(p, id)).available).toBe(15);
  });
});
