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

  async function run(
    csv: string,
    tenantId = t.tenant.tenantId,
    extra: {
      bulkMinRows?: number;
      parseWorkers?: number;
      parseBlockBytes?: number;
      inputBytes?: number;
    } = {},
  ) {
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

  it.runIf(engine.name === 'postgres')(
    'parse workers cut the file into blocks and report exactly what one thread reports',
    async () => {
      const lines = ['\uFEFFphone;email;firstName;lastName;externalId;tags'];
      for (let i = 0; i < 1200; i++) {
        const n = String(3000000 + i);
        if (i % 97 === 0) lines.push(''); // blank lines keep their line numbers
        if (i % 101 === 0) lines.push(`bad-${i};x@;A;B;;`);
        else if (i % 50 === 0) lines.push(`+7918${n};;"Anna; ""Nyura""\nMaria";Multi;ml-${i};`);
        else if (i % 333 === 0) lines.push(`+7918${String(3000000 + i - 1)};;Dup;;;`);
        else lines.push(`+7918${n};u${i}@example.com;Name${i};Surname;ext-${i};vip|x`);
      }
      const csv = `${lines.join('\r\n')}\r\n`;
      const one = await seedTenant(t.db);
      const many = await seedTenant(t.db);
      const single = await run(csv, one.tenantId);
      const parallel = await run(csv, many.tenantId, { parseWorkers: 2, parseBlockBytes: 2048 });
      const { importId: _a, seconds: _b, ...expected } = single.report;
      const { importId: _c, seconds: _d, ...got } = parallel.report;
      expect(got).toEqual(expected);
      expect(got).toMatchObject({ rows: 1200, invalid: 12 });
      const strip = (ps: ImportProblem[]) =>
        ps
          .map((p) => ({ line: p.line, outcome: p.outcome, reason: p.reason }))
          .sort((a, b) => a.line - b.line);
      expect(strip(parallel.problems)).toEqual(strip(single.problems));
      const member = async (tenantId: string) =>
        t.db
          .selectFrom('member')
          .select(['phone', 'first_name', 'external_id', 'tags'])
          .where('tenant_id', '=', tenantId)
          .where('external_id', '=', 'ml-100')
          .executeTakeFirstOrThrow();
      expect(await member(many.tenantId)).toEqual(await member(one.tenantId));
      expect((await member(many.tenantId)).first_name).toBe('Anna; "Nyura" Maria');
    },
  );

  it.runIf(engine.name === 'postgres')(
    'the direct bulk load reports and creates exactly what the staging path does',
    async () => {
      const foreignVirtual = buildCardNumber('299', 7);
      async function seed(key: string) {
        const b = await seedTenant(t.db);
        const call = (method: 'POST' | 'GET', url: string, payload?: unknown) =>
          t.call({ method, url, key: b.apiKey, ...(payload ? { payload } : {}) });
        const batch = (await call('POST', '/v1/card-batches', { prefix: '25', count: 10 })).json();
        await call('POST', '/v1/members', { phone: '+79190000001', email: 'Old@Example.com' });
        await call('POST', '/v1/members', { externalId: 'old-ext', cardNumber: 'OLDCARD1' });
        const blocked = await call('POST', `/v1/cards/${batch.lastNumber}/block`, {});
        expect(blocked.statusCode, blocked.body).toBe(200);
        return { b, batch, key };
      }
      const csv = (batchFirst: string, batchLast: string) =>
        [
          'phone,email,externalId,cardNumber,consentSms,consentEmail,consentVersion',
          '+79191000001,a1@example.com,e1,,yes,no,v2',
          '+79191000002,a2@example.com,e2,,,,',
          '+79191000001,,,,,,', // 4: same phone as line 2
          ',A2@EXAMPLE.com,,,,,', // 5: same email as line 3
          '+79190000001,,,,,,', // 6: phone exists
          ',old@example.com,,,,,', // 7: email exists
          ',,old-ext,,,,', // 8: externalId exists
          ',,,oldcard1,,,', // 9: card exists
          `,,,${batchLast},,,`, // 10: blocked card
          `+79191000003,,,${batchFirst},,,`, // 11: plastic card of the batch
          `+79191000004,,,${foreignVirtual},,,`, // 12: a virtual number of another Kopilka
          'bad,,,,,,', // 13: invalid
          '+79191000005,,e2,,,,', // 14: same externalId as line 3
          ...Array.from(
            { length: 300 },
            (_, i) => `+7919200${String(1000 + i)},,x-${i},,${i % 2 ? 'yes' : ''},,`,
          ),
        ].join('\n');
      const viaStaging = await seed('staging');
      const viaBulk = await seed('bulk');
      const staged = await run(
        csv(viaStaging.batch.firstNumber, viaStaging.batch.lastNumber),
        viaStaging.b.tenantId,
      );
      const text = csv(viaBulk.batch.firstNumber, viaBulk.batch.lastNumber);
      const bulk = await run(text, viaBulk.b.tenantId, {
        parseWorkers: 2,
        parseBlockBytes: 1024,
        bulkMinRows: 1,
        inputBytes: 100_000_000,
      });
      const { importId: _a, seconds: _b, ...expected } = staged.report;
      const { importId: _c, seconds: _d, ...got } = bulk.report;
      expect(got).toEqual(expected);
      expect(got).toMatchObject({ created: 304, duplicates: 3, existing: 5, invalid: 1, consents: 152 });
      const strip = (ps: ImportProblem[]) =>
        ps
          .map((p) => ({
            line: p.line,
            outcome: p.outcome,
            reason: p.reason.replace(/mbr_\w+/, 'mbr'),
            member: Boolean(p.memberId),
          }))
          .sort((a, b) => a.line - b.line);
      expect(strip(bulk.problems)).toEqual(strip(staged.problems));
      expect(strip(bulk.problems).map((p) => p.line)).toEqual([4, 5, 6, 7, 8, 9, 10, 13, 14]);

      const b = viaBulk.b;
      const plastic = (
        await t.call({ method: 'GET', url: `/v1/cards/${viaBulk.batch.firstNumber}`, key: b.apiKey })
      ).json();
      expect(plastic).toMatchObject({ status: 'active', kind: 'plastic', batchId: viaBulk.batch.batchId });
      const cards = await t.db
        .selectFrom('member_card')
        .select(['number', 'kind'])
        .where('tenant_id', '=', b.tenantId)
        .where('kind', '=', 'virtual')
        .execute();
      expect(cards.length).toBe(304); // 303 imported + the virtual card of a member made through the API
      expect(new Set(cards.map((c) => c.number)).size).toBe(cards.length);
      expect(cards.every((c) => isValidEan13(c.number))).toBe(true);
      const consent = (
        await t.call({ method: 'GET', url: '/v1/members?externalId=e1', key: b.apiKey })
      ).json().items[0];
      expect(
        (await t.call({ method: 'GET', url: `/v1/members/${consent.memberId}`, key: b.apiKey })).json()
          .consents,
      ).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ channel: 'sms', granted: true, source: 'import', textVersion: 'v2' }),
          expect.objectContaining({ channel: 'email', granted: false }),
        ]),
      );
      // The indexes are back and unique; new virtual numbers never collide with the foreign one.
      const again = await t.call({
        method: 'POST',
        url: '/v1/members',
        key: b.apiKey,
        payload: { email: 'A1@example.com' },
      });
      expect(again.statusCode).toBe(409);
      const fresh = await t.call({
        method: 'POST',
        url: '/v1/members',
        key: b.apiKey,
        payload: { phone: '+79000000077' },
      });
      expect(fresh.statusCode).toBe(201);
      expect(fresh.json().cardNumber > foreignVirtual).toBe(true);
      const rerun = await run(text, b.tenantId, { parseWorkers: 2, bulkMinRows: 1, inputBytes: 100 });
      expect(rerun.report).toMatchObject({ created: 0, existing: 304 + 5 });
    },
  );

  it.runIf(engine.name === 'postgres')(
    'a direct bulk load that fails half-way leaves nothing behind',
    async () => {
      const b = await seedTenant(t.db);
      const indexes = async () =>
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from pg_indexes where tablename = 'member'`.execute(t.db)
        ).rows[0]?.n;
      const before = await indexes();
      const lines = ['phone,externalId'];
      for (let i = 0; i < 2000; i++) lines.push(`+7919300${String(1000 + i)},f-${i}`);
      const input = Readable.from(
        (async function* () {
          yield `${lines.join('\n')}\n`;
          throw new Error('the file went away');
        })(),
      );
      await expect(
        importMembers({
          db: t.db,
          engine: engine.name,
          tenantId: b.tenantId,
          input,
          now: NOW,
          parseWorkers: 2,
          parseBlockBytes: 4096,
          bulkMinRows: 1,
          inputBytes: 100_000_000,
          copyConnection: async () => {
            const c = new pg.Client({ connectionString: copyUrl });
            await c.connect();
            clients.push(c);
            return c;
          },
        }),
      ).rejects.toThrow(/the file went away/);
      const count = await t.db
        .selectFrom('member')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('tenant_id', '=', b.tenantId)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
      expect(await indexes()).toBe(before);
    },
  );
});
