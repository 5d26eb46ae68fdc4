import { Readable, Writable } from 'node:stream';
import { buildCardNumber, isValidEan13 } from '@kopilka/domain/members';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../../testing/engines';
import { createTestApp, seedTenant, type TestApp } from '../../../testing/test-app';
import { exportMembers } from '../export-members.service';
import { type ImportProblem, importMembers } from '../import-members.service';

const NOW = new Date('2026-11-22T10:00:00Z');

describeEachEngine('Members import and export', (engine) => {
  let t: TestApp;
  let copyUrl: string | undefined;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    t = await createTestApp(engine, { now: NOW });
    if (engine.name === 'postgres' && process.env.TEST_DATABASE_URL) {
      const name = (await sql<{ db: string }>`select current_database() as db`.execute(t.db)).rows[0]!.db;
      const url = new URL(process.env.TEST_DATABASE_URL);
      url.pathname = `/${name}`;
      copyUrl = url.toString();
    }
  });
  afterAll(async () => {
    for (const c of clients) await c.end();
    await t?.close();
  });

  async function run(csv: string, tenantId = t.tenant.tenantId, extra: { bulkMinRows?: number } = {}) {
    const problems: ImportProblem[] = [];
    const report = await importMembers({
      ...extra,
      db: t.db,
      engine: engine.name,
      tenantId,
      input: Readable.from([csv]),
      now: NOW,
      onProblem: (p) => problems.push(p),
      ...(copyUrl
        ? {
            copyConnection: async () => {
              const c = new pg.Client({ connectionString: copyUrl });
              await c.connect();
              clients.push(c);
              return c;
            },
          }
        : {}),
    });
    return { report, problems };
  }

  it('imports good rows, reports every bad one by line, and a re-run creates nothing', async () => {
    const batch = (
      await t.call({ method: 'POST', url: '/v1/card-batches', payload: { prefix: '25', count: 10 } })
    ).json();
    const existing = (
      await t.call({ method: 'POST', url: '/v1/members', payload: { phone: '+79260000000' } })
    ).json();
    await t.call({
      method: 'PUT',
      url: '/v1/member-attributes',
      payload: {
        items: [
          { key: 'city', type: 'string' },
          { key: 'visits', type: 'integer' },
        ],
      },
    });
    const lines = [
      'phone,email,firstName,lastName,birthDate,externalId,cardNumber,tags,consentSms,attr.city,attr.visits,loyaltyLevel',
    ];
    const good = 200;
    const valid = buildCardNumber('299', 999_999_999);
    const forged = valid.slice(0, 12) + String((Number(valid[12]) + 1) % 10);
    for (let i = 0; i < good; i++) {
      const n = String(1000000 + i);
      const phone = i % 3 === 0 ? `8 916 ${n.slice(0, 3)} ${n.slice(3)}` : `+7916${n}`;
      lines.push(
        `${phone},user${i}@example.com,Name${i},Surname${i},1990-01-${String((i % 28) + 1).padStart(2, '0')},ext-${i},,vip|city,${i % 2 ? 'yes' : ''},Moscow,${i}`,
      );
    }
    lines.push('not-a-phone,bad@,A,B,1990-13-01,,,,,,,'); // line 202: bad phone, email, date
    lines.push(',,Nobody,,,,,,,,,'); // 203: no identifier
    lines.push('+79161000005,dup@example.com,Dup,,,,,,,,,'); // 204: same phone as line 7
    lines.push('+79260000000,,Already,Here,,,,,,,,'); // 205: exists
    lines.push(`+79990000001,,Plastic,Card,,,${batch.firstNumber},,,,,`); // 206: plastic card of the batch
    lines.push(`+79990000002,,Virtual,Forged,,,${forged},,,,,`); // 207: virtual number with a wrong check digit
    lines.push('+79990000003,,Legacy,Card,,,"OLD 555",,maybe,,,'); // 208: bad consent word
    lines.push('+79990000004,,Odd,Visits,,,,,,,many,'); // 209: attr type
    const { report, problems } = await run(`${lines.join('\n')}\n`);
    expect(report).toMatchObject({
      rows: good + 8,
      created: good + 1,
      invalid: 5,
      duplicates: 1,
      existing: 1,
      cardsIssued: good + 1,
      consents: good / 2,
      ignoredColumns: ['loyaltyLevel'],
    });
    const byLine = new Map(problems.map((p) => [p.line, p]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([202, 203, 204, 205, 207, 208, 209]);
    expect(byLine.get(202)?.reason).toMatch(/phone .*; email .*; birthDate/);
    expect(byLine.get(203)?.reason).toMatch(/at least one of phone/);
    expect(byLine.get(204)).toMatchObject({ outcome: 'duplicate', reason: 'same phone as line 7' });
    expect(byLine.get(205)).toMatchObject({ outcome: 'exists', memberId: existing.memberId });
    expect(byLine.get(207)?.reason).toMatch(/check digit/);
    expect(byLine.get(208)?.reason).toMatch(/consentSms/);
    expect(byLine.get(209)?.reason).toMatch(/attributes.visits must be an integer/);

    const first = (await t.call({ method: 'GET', url: '/v1/members?phone=%2B79161000000' })).json().items[0];
    expect(first).toMatchObject({
      phone: '+79161000000',
      email: 'user0@example.com',
      firstName: 'Name0',
      birthDate: '1990-01-01',
      externalId: 'ext-0',
      tags: ['vip', 'city'],
      attributes: { city: 'Moscow', visits: 0 },
      source: 'import',
    });
    expect(isValidEan13(first.cardNumber)).toBe(true);
    expect(first.cardNumber.startsWith('299')).toBe(true);
    const withConsent = (await t.call({ method: 'GET', url: '/v1/members?externalId=ext-1' })).json()
      .items[0];
    expect(
      (await t.call({ method: 'GET', url: `/v1/members/${withConsent.memberId}` })).json().consents,
    ).toEqual([expect.objectContaining({ channel: 'sms', granted: true, source: 'import' })]);
    const plastic = (await t.call({ method: 'GET', url: `/v1/cards/${batch.firstNumber}` })).json();
    expect(plastic).toMatchObject({ status: 'active', kind: 'plastic', batchId: batch.batchId });
    const cards = await t.db
      .selectFrom('member_card')
      .select('number')
      .where('tenant_id', '=', t.tenant.tenantId)
      .where('kind', '=', 'virtual')
      .execute();
    expect(new Set(cards.map((c) => c.number)).size).toBe(cards.length);
    expect(cards.every((c) => isValidEan13(c.number))).toBe(true);
    expect(await t.db.selectFrom('member_import_row').select('line').execute()).toEqual([]);

    const again = await run(`${lines.join('\n')}\n`);
    expect(again.report).toMatchObject({ created: 0, existing: good + 2, invalid: 5, duplicates: 1 });
    const count = await t.db
      .selectFrom('member')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', t.tenant.tenantId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(good + 2);
  });

  it('reads semicolon-separated files with a BOM and snake_case headers', async () => {
    const b = await seedTenant(t.db);
    const csv =
      '\uFEFFphone;first_name;external_id\r\n+79031234567;Ирина;a-1\r\n89031234568;"Пётр; младший";a-2\r\n';
    const { report, problems } = await run(csv, b.tenantId);
    expect(problems).toEqual([]);
    expect(report).toMatchObject({ rows: 2, created: 2 });
    const m = await t.call({ method: 'GET', url: '/v1/members?externalId=a-2', key: b.apiKey });
    expect(m.json().items[0]).toMatchObject({ phone: '+79031234568', firstName: 'Пётр; младший' });
  });

  it('counts lines across blank lines and line breaks inside quoted cells', async () => {
    const b = await seedTenant(t.db);
    const csv = 'phone,firstName\n+79031110001,"Anna\nMaria"\n\n+79031110002,Ok\nbad-phone,Oops\n';
    const { report, problems } = await run(csv, b.tenantId);
    expect(report).toMatchObject({ rows: 3, created: 2, invalid: 1 });
    expect(problems).toEqual([expect.objectContaining({ line: 6, outcome: 'invalid' })]);
  });

  it.runIf(engine.name === 'postgres')(
    'rebuilds the indexes of a bulk load and keeps them unique',
    async () => {
      const indexes = () =>
        sql<{ indexdef: string }>`
        select indexdef from pg_indexes
        where tablename in ('member', 'member_card', 'member_consent_event') order by indexname`.execute(
          t.db,
        );
      const before = (await indexes()).rows;
      const b = await seedTenant(t.db);
      const lines = ['phone,email,consentSms'];
      for (let i = 0; i < 3000; i++)
        lines.push(`+7917${String(2000000 + i)},bulk${i}@example.com,${i % 2 ? 'yes' : ''}`);
      lines.push('+79172000001,,'); // a duplicate of line 3
      const { report, problems } = await run(`${lines.join('\n')}\n`, b.tenantId, { bulkMinRows: 1 });
      expect(report).toMatchObject({ created: 3000, duplicates: 1, cardsIssued: 3000, consents: 1500 });
      expect(problems).toEqual([expect.objectContaining({ line: 3002, reason: 'same phone as line 3' })]);
      expect((await indexes()).rows).toEqual(before);
      const again = await t.call({
        method: 'POST',
        url: '/v1/members',
        key: b.apiKey,
        payload: { email: 'BULK7@example.com' },
      });
      expect(again.statusCode).toBe(409);
      const found = (
        await t.call({ method: 'GET', url: '/v1/members?phone=%2B79172000042', key: b.apiKey })
      ).json();
      expect(found.items[0]).toMatchObject({ email: 'bulk42@example.com' });
      expect(isValidEan13(found.items[0].cardNumber)).toBe(true);
      const rerun = await run(`${lines.join('\n')}\n`, b.tenantId, { bulkMinRows: 1 });
      expect(rerun.report).toMatchObject({ created: 0, existing: 3000 });
    },
  );

  it('refuses a file without an identifier column', async () => {
    await expect(run('firstName,lastName\nA,B\n')).rejects.toThrow(/at least one of phone/);
  });

  it('exports members to CSV that imports into another program unchanged', async () => {
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(Buffer.from(chunk));
        cb();
      },
    });
    const { rows } = await exportMembers(t.db, t.tenant.tenantId, out);
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(
      'memberId,phone,email,firstName,lastName,birthDate,externalId,cardNumber,status,tags,createdAt,attr.city,attr.visits',
    );
    expect(lines).toHaveLength(rows + 1);
    expect(rows).toBeGreaterThan(200);
    // Into another program (with the same attribute schema): every member and card comes across,
    // and that program's own virtual cards are issued after the imported ones.
    const c = await seedTenant(t.db);
    await t.call({
      method: 'PUT',
      url: '/v1/member-attributes',
      key: c.apiKey,
      payload: {
        items: [
          { key: 'city', type: 'string' },
          { key: 'visits', type: 'integer' },
        ],
      },
    });
    const { report, problems } = await run(text, c.tenantId);
    expect(problems).toEqual([]);
    expect(report).toMatchObject({ created: rows, invalid: 0, ignoredColumns: [] });
    const fresh = await t.call({
      method: 'POST',
      url: '/v1/members',
      key: c.apiKey,
      payload: { phone: '+79000000001' },
    });
    expect(fresh.statusCode).toBe(201);
    const maxImported = lines
      .slice(1)
      .map((l) => l.split(',')[7] ?? '')
      .filter((n) => n.startsWith('299'))
      .sort()
      .pop();
    expect(fresh.json().cardNumber > (maxImported ?? '')).toBe(true);
  });
});
