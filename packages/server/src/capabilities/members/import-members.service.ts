import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../platform/database';
import { type Db, type Engine, isUniqueViolation } from '../../platform/db';
import { newId } from '../../platform/ids';
import { reserveSerialsForImport, VIRTUAL_CARD_PREFIX } from '../cards/cards.service';
import {
  type BatchRange,
  COPY_COLUMNS,
  createRowStager,
  pgArray,
  readHeader,
  type StagedRow,
  takeLine,
  toCopyLine,
} from './import-member-rows';
import { bulkLoadMembers, REBUILT_INDEXES } from './import-members-bulk';
import { recordMembersImported } from './import-members-finish';
import { parallelCopyText } from './import-members-parallel';
import { loadValidationContext } from './members.service';

// `kopilka import members FILE.csv`. Rows are parsed as a stream and validated in Node (phones
// need libphonenumber), then bulk-loaded into the unlogged staging table `member_import_row` —
// with COPY on PostgreSQL, batched INSERTs on PGlite — and moved into `member` by a handful of
// set-based statements: duplicates inside the file and members that already exist are marked
// first, the rest is inserted with ON CONFLICT DO NOTHING (so a re-run, or a member created
// meanwhile through the API, never makes a duplicate), then cards and consents follow. Every
// row that is not imported is reported with its line number and the reason.

export type ImportProblem = {
  line: number;
  outcome: 'invalid' | 'duplicate' | 'exists';
  reason: string;
  memberId?: string;
};

export type ImportReport = {
  importId: string;
  rows: number;
  created: number;
  invalid: number;
  duplicates: number;
  existing: number;
  cardsIssued: number;
  consents: number;
  ignoredColumns: string[];
  seconds: number;
};

export type ImportProgress = {
  phase: 'reading' | 'merging' | 'reporting' | 'done';
  rows: number;
  invalid: number;
};

export type ImportOptions = {
  db: Db;
  engine: Engine;
  tenantId: string;
  input: Readable;
  now: Date;
  /** PostgreSQL only: a dedicated connection for COPY (closed by the caller). */
  copyConnection?: () => Promise<pg.ClientBase>;
  onProblem?: (problem: ImportProblem) => void;
  onProgress?: (progress: ImportProgress) => void;
  actor?: { actorType: 'system' | 'staff' | 'api_key'; actorId: string | null };
  /** PostgreSQL: connections that insert the new members side by side (default 2). */
  parallel?: number;
  /** PostgreSQL: from how many new rows an import into a smaller table rebuilds indexes (default 50,000). */
  bulkMinRows?: number;
  /**
   * PostgreSQL with COPY: worker threads that parse and validate rows (default 0: this thread).
   * Worth it for big files: a worker costs ~0.5 s to start.
   */
  parseWorkers?: number;
  /** Bytes per block handed to a parse worker (tests). */
  parseBlockBytes?: number;
  /**
   * The size of the input, when known (a file): with parse workers on PostgreSQL, a big file into
   * a smaller program is loaded directly (import-members-bulk.ts) instead of through staging.
   */
  inputBytes?: number;
};

// Bytes of a typical member CSV row, to guess a file's rows from its size.
const BYTES_PER_ROW = 100;

/**
 * A SQL expression: the EAN-13 of a 12-digit number given as a bigint expression (check digit
 * appended), by integer arithmetic — text slicing a million times over costs seconds.
 */
function ean13Sql(first12: ReturnType<typeof sql>) {
  const digit = (position: number) => sql`(${first12} / ${sql.lit(10 ** (12 - position))}::bigint % 10)`;
  const odd = [1, 3, 5, 7, 9, 11].map(digit);
  const even = [2, 4, 6, 8, 10, 12].map(digit);
  const sum = sql`(${sql.join(odd, sql` + `)}) + 3 * (${sql.join(even, sql` + `)})`;
  return sql`(${first12})::text || ((10 - (${sum}) % 10) % 10)::text`;
}

export async function importMembers(opts: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const { db, tenantId } = opts;
  const importId = newId('imp');
  const report: ImportReport = {
    importId,
    rows: 0,
    created: 0,
    invalid: 0,
    duplicates: 0,
    existing: 0,
    cardsIssued: 0,
    consents: 0,
    ignoredColumns: [],
    seconds: 0,
  };
  const progress = (phase: ImportProgress['phase']) =>
    opts.onProgress?.({ phase, rows: report.rows, invalid: report.invalid });
  const context = await loadValidationContext(db, tenantId, opts.now, true);
  const batches: BatchRange[] = (
    await db
      .selectFrom('card_batch')
      .select(['id', 'prefix', 'first_serial', 'count'])
      .where('tenant_id', '=', tenantId)
      .execute()
  ).map((b) => ({ id: b.id, prefix: b.prefix, first: Number(b.first_serial), count: b.count }));
  const setup = {
    defaultRegion: context.defaultRegion,
    attributeDefs: context.attributeDefs,
    today: context.today,
    batches,
  };
  const countRows = (rows: number, invalid: readonly { line: number; reason: string }[]) => {
    const before = report.rows;
    report.rows += rows;
    report.invalid += invalid.length;
    for (const p of invalid) opts.onProblem?.({ line: p.line, outcome: 'invalid', reason: p.reason });
    if (Math.floor(report.rows / 100_000) > Math.floor(before / 100_000)) progress('reading');
  };

  async function* stagedRows(): AsyncGenerator<StagedRow> {
    const parser = opts.input.pipe(parse({ bom: true, delimiter: [',', ';'], relax_column_count: true }));
    // pipe() does not pass a read error on: without this the import would wait forever.
    opts.input.once('error', (err) => parser.destroy(err));
    let stage: ReturnType<typeof createRowStager> | undefined;
    const counter = { next: 1 };
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = takeLine(record, counter);
      if (line === undefined) continue;
      if (!stage) {
        const header = readHeader(record);
        report.ignoredColumns.push(...header.ignored);
        stage = createRowStager({ ...setup, columns: header.columns });
        continue;
      }
      const row = stage(record, line);
      if (typeof row === 'string') countRows(1, [{ line, reason: row }]);
      else {
        countRows(1, []);
        yield row;
      }
    }
  }

  /** COPY text in chunks of ~64 KB, parsed here (small files) or by worker threads. */
  async function* copyText(): AsyncGenerator<string> {
    if ((opts.parseWorkers ?? 0) > 0) {
      yield* parallelCopyText({
        input: opts.input,
        workers: opts.parseWorkers ?? 0,
        ...(opts.parseBlockBytes ? { blockBytes: opts.parseBlockBytes } : {}),
        setup: { ...setup, tenantId, importId },
        onHeader: (ignored) => report.ignoredColumns.push(...ignored),
        onBlock: countRows,
      });
      return;
    }
    let chunk = '';
    for await (const row of stagedRows()) {
      chunk += toCopyLine(tenantId, importId, row);
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }

  const bulkMinRows = opts.bulkMinRows ?? 50_000;
  let lastProgress = 0;
  if (
    opts.engine === 'postgres' &&
    opts.copyConnection &&
    (opts.parseWorkers ?? 0) > 0 &&
    opts.inputBytes !== undefined &&
    (await isBigComparedToProgram(db, opts.inputBytes / BYTES_PER_ROW, bulkMinRows))
  ) {
    await bulkLoadMembers({
      client: await opts.copyConnection(),
      db,
      tenantId,
      importId,
      now: opts.now,
      input: opts.input,
      workers: opts.parseWorkers ?? 0,
      setup,
      report,
      onProblem: (p) => opts.onProblem?.(p),
      onRows: () => {
        if (report.rows >= lastProgress + 100_000) {
          lastProgress = report.rows - (report.rows % 100_000);
          progress('reading');
        }
      },
      actor: opts.actor ?? { actorType: 'system', actorId: 'cli' },
    });
    report.seconds = (Date.now() - started) / 1000;
    progress('done');
    return report;
  }
  try {
    if (opts.engine === 'postgres' && opts.copyConnection) {
      const client = await opts.copyConnection();
      const copy = client.query(copyFrom(`copy member_import_row (${COPY_COLUMNS}) from stdin`));
      await pipeline(Readable.from(copyText()), copy as unknown as Writable);
    } else {
      let batch: StagedRow[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await db
          .insertInto('member_import_row')
          .values(
            batch.map((r) => ({
              tenant_id: tenantId,
              import_id: importId,
              line: r.line,
              member_id: r.memberId,
              phone: r.phone,
              email: r.email,
              first_name: r.firstName,
              last_name: r.lastName,
              birth_date: r.birthDate,
              external_id: r.externalId,
              card_number: r.cardNumber,
              card_kind: r.cardKind,
              tags: r.tags ? (sql`${pgArray(r.tags)}::text[]` as unknown as string[]) : null,
              attributes: r.attributes ? JSON.stringify(r.attributes) : null,
              consent_email: r.consentEmail,
              consent_sms: r.consentSms,
              consent_push: r.consentPush,
              consent_version: r.consentVersion,
              outcome: null,
              reason: null,
              matched_member_id: null,
            })),
          )
          .execute();
        batch = [];
      };
      for await (const row of stagedRows()) {
        batch.push(row);
        if (batch.length >= 500) await flush();
      }
      await flush();
    }
    progress('merging');
    await mergeStagedRows(db, {
      tenantId,
      importId,
      now: opts.now,
      actor: opts.actor,
      report,
      parallel: opts.engine === 'postgres' ? (opts.parallel ?? 2) : 1,
      bulkMinRows,
    });
    progress('reporting');
    await reportSkippedRows(db, importId, opts.onProblem);
  } finally {
    await clearStaging(db, importId);
  }
  report.seconds = (Date.now() - started) / 1000;
  progress('done');
  return report;
}

type MergeInput = {
  tenantId: string;
  importId: string;
  now: Date;
  actor: ImportOptions['actor'];
  report: ImportReport;
  parallel: number;
  bulkMinRows: number;
};

function timed(trx: Kysely<Database>) {
  return async (q: ReturnType<typeof sql>) => {
    const t0 = Date.now();
    const r = await q.execute(trx);
    if (process.env.KOPILKA_IMPORT_DEBUG) {
      process.stderr.write(
        `    ${Date.now() - t0} ms: ${q.compile(trx).sql.replace(/\s+/g, ' ').slice(0, 90)}\n`,
      );
    }
    return r;
  };
}

/**
 * Bulk loads skip foreign-key checks where the database lets us (superuser, like pg_restore
 * --disable-triggers): every row inserted here references a member inserted a statement earlier
 * in the same transaction and the tenant the import was started for, so the millions of per-row
 * checks prove nothing. Elsewhere the checks simply run.
 */
async function skipForeignKeyChecks(trx: Kysely<Database>): Promise<void> {
  const su = await sql<{ su: string }>`select current_setting('is_superuser') as su`.execute(trx);
  if (su.rows[0]?.su === 'on') await sql`set local session_replication_role = replica`.execute(trx);
}

/**
 * Runs a bulk INSERT … SELECT without ON CONFLICT (its per-row speculative insertion costs a third
 * more), inside a savepoint; only if a row conflicts after all — a member or card created through
 * the API since the rows were checked — it is run again with ON CONFLICT DO NOTHING.
 */
async function insertOptimistically(
  trx: Kysely<Database>,
  build: (safe: boolean) => ReturnType<typeof sql>,
): Promise<{ count: number; safe: boolean }> {
  await sql`savepoint bulk_insert`.execute(trx);
  try {
    const r = await timed(trx)(build(false));
    await sql`release savepoint bulk_insert`.execute(trx);
    return { count: Number(r.numAffectedRows ?? 0n), safe: false };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await sql`rollback to savepoint bulk_insert`.execute(trx);
    const r = await timed(trx)(build(true));
    return { count: Number(r.numAffectedRows ?? 0n), safe: true };
  }
}

async function markConflicts(trx: Kysely<Database>, input: MergeInput): Promise<void> {
  const { tenantId, importId } = input;
  const run = timed(trx);
  // 1. The same identifier twice in the file: the first line wins, later ones are reported. A hash
  //    aggregate finds the few repeated values; only their rows are touched.
  const duplicates = (field: string, key: ReturnType<typeof sql>) =>
    run(sql`
      update member_import_row r
      set outcome = 'duplicate', reason = ${`same ${field} as line `} || d.first_line
      from (
        select ${key} as key, min(line) as first_line from member_import_row r
        where r.import_id = ${importId} and ${key} is not null
        group by 1 having count(*) > 1
      ) d
      where r.import_id = ${importId} and ${key} = d.key and r.line <> d.first_line and r.outcome is null`);
  await duplicates('phone', sql`r.phone`);
  await duplicates('email', sql`lower(r.email)`);
  await duplicates('externalId', sql`r.external_id`);
  await duplicates('cardNumber', sql`r.card_number`);
  // 2. Identifiers that already belong to a member of this tenant (a re-run lands here).
  const exists = (field: string, matches: ReturnType<typeof sql>) =>
    run(sql`
      update member_import_row r
      set outcome = 'exists', matched_member_id = m.id, reason = ${`${field} already belongs to member `} || m.id
      from member m
      where m.tenant_id = ${tenantId} and ${matches} and r.import_id = ${importId} and r.outcome is null`);
  await exists('phone', sql`m.phone = r.phone`);
  await exists('email', sql`lower(m.email) = lower(r.email)`);
  await exists('externalId', sql`m.external_id = r.external_id`);
  await run(sql`
    update member_import_row r
    set outcome = 'exists', matched_member_id = c.member_id,
        reason = case when c.member_id is null then 'cardNumber is a blocked card'
                      else 'cardNumber already belongs to member ' || c.member_id end
    from member_card c
    where c.tenant_id = ${tenantId} and c.number = r.card_number
      and r.import_id = ${importId} and r.outcome is null`);
}

// A big import into a small table (typically the first migration from another program) is faster
// with the member tables' randomly ordered indexes dropped and rebuilt afterwards than maintained
// row by row (PostgreSQL docs, "Populating a Database"); indexes that new rows only append to
// (ids, member ids: both grow with time) stay. It holds an exclusive lock on the member tables
// for the duration, so the API waits; below `bulkMinRows` new rows, or when the table is already
// bigger than the import, rows go in incrementally in parallel chunks instead.

/** A load of this many rows is worth the bulk path: enough rows, and no fewer than the table has. */
async function isBigComparedToProgram(db: Db, rows: number, bulkMinRows: number): Promise<boolean> {
  if (rows < bulkMinRows) return false;
  const r = await sql<{ existing: number | string }>`
    select greatest(reltuples, 0)::bigint as existing from pg_class where oid = 'member'::regclass`.execute(
    db,
  );
  return rows >= Number(r.rows[0]?.existing ?? 0);
}

async function chooseBulkMode(db: Db, input: MergeInput): Promise<boolean> {
  if (input.parallel <= 1) return false;
  const r = await sql<{ staged: number | string; existing: number | string }>`
    select (select count(*) from member_import_row where import_id = ${input.importId} and outcome is null) as staged,
           (select greatest(reltuples, 0)::bigint from pg_class where oid = 'member'::regclass) as existing`.execute(
    db,
  );
  const staged = Number(r.rows[0]?.staged ?? 0);
  return staged >= input.bulkMinRows && staged >= Number(r.rows[0]?.existing ?? 0);
}

async function mergeStagedRows(db: Db, input: MergeInput): Promise<void> {
  const { tenantId, importId, report } = input;
  await sql`analyze member_import_row`.execute(db);
  const bulk = await chooseBulkMode(db, input);
  if (bulk) {
    await db.transaction().execute(async (trx) => {
      await sql`lock table member, member_card, member_consent, member_consent_event in access exclusive mode`.execute(
        trx,
      );
      await sql`set local work_mem = '64MB'`.execute(trx);
      await markConflicts(trx, input);
      const serials = await reserveVirtualSerials(trx, input);
      // The definitions come from the catalog, so the rebuilt indexes are exactly the migrations'.
      const indexes = await sql<{ indexname: string; indexdef: string }>`
        select indexname, indexdef from pg_indexes
        where schemaname = current_schema() and indexname in (${sql.join(REBUILT_INDEXES)})`.execute(trx);
      for (const ix of indexes.rows) await sql`drop index ${sql.ref(ix.indexname)}`.execute(trx);
      const r = await insertRows(trx, input, { from: 0, to: 2_147_483_647 }, serials);
      await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
      for (const ix of indexes.rows) await timed(trx)(sql.raw(ix.indexdef));
      report.created += r.created;
      report.cardsIssued += r.cards;
      report.consents += r.consents;
    });
  } else {
    await db.transaction().execute(async (trx) => {
      await sql`set local work_mem = '64MB'`.execute(trx);
      await markConflicts(trx, input);
    });
    // 3. The rows left are new members. They go in in line-range chunks, on several connections at
    //    once on PostgreSQL: the chunks share no identifier (duplicates are marked above), and a
    //    chunk that fails half-way is simply completed by a re-run.
    const bounds = await sql<{ lo: number | string | null; hi: number | string | null }>`
      select min(line) as lo, max(line) as hi from member_import_row where import_id = ${importId}`.execute(
      db,
    );
    const lo = Number(bounds.rows[0]?.lo ?? 0);
    const hi = Number(bounds.rows[0]?.hi ?? -1);
    const size = Math.max(1, Math.ceil((hi - lo + 1) / input.parallel));
    const chunks = Array.from({ length: input.parallel }, (_, k) => ({
      from: lo + k * size,
      to: lo + (k + 1) * size - 1,
    }));
    const serials = await reserveVirtualSerials(db, input);
    const results = await Promise.all(chunks.map((c) => mergeChunk(db, input, c, serials)));
    for (const r of results) {
      report.created += r.created;
      report.cardsIssued += r.cards;
      report.consents += r.consents;
    }
  }

  await db.transaction().execute(async (trx) => {
    const run = timed(trx);
    // Virtual numbers brought in from elsewhere must never be issued again here.
    await run(sql`
      insert into card_range (tenant_id, prefix, next_serial)
      select ${tenantId}, ${VIRTUAL_CARD_PREFIX}, max(substr(card_number, 4, 9)::bigint) + 1
      from member_import_row
      where import_id = ${importId} and outcome is null and card_kind = 'virtual' and card_number is not null
      having count(*) > 0
      on conflict (tenant_id, prefix)
        do update set next_serial = greatest(card_range.next_serial, excluded.next_serial)`);
    const counts = await sql<{ outcome: string; n: number | string }>`
      select outcome, count(*) as n from member_import_row
      where import_id = ${importId} and outcome is not null group by outcome`.execute(trx);
    for (const c of counts.rows) {
      if (c.outcome === 'duplicate') report.duplicates = Number(c.n);
      if (c.outcome === 'exists') report.existing = Number(c.n);
    }
    await recordMembersImported(trx, {
      tenantId,
      importId,
      now: input.now,
      actor: input.actor ?? { actorType: 'system', actorId: 'cli' },
      report,
    });
  });
}

function mergeChunk(
  db: Db,
  input: MergeInput,
  chunk: { from: number; to: number },
  serials: { first: number; lineBase: number },
): Promise<{ created: number; cards: number; consents: number }> {
  return db.transaction().execute((trx) => insertRows(trx, input, chunk, serials));
}

/** One block of virtual-card serials spanning the lines of the rows that need a card. */
async function reserveVirtualSerials(
  db: Kysely<Database>,
  input: MergeInput,
): Promise<{ first: number; lineBase: number }> {
  const r = await sql<{ lo: number | string | null; hi: number | string | null }>`
    select min(line) as lo, max(line) as hi from member_import_row
    where import_id = ${input.importId} and outcome is null and card_number is null`.execute(db);
  const lo = r.rows[0]?.lo;
  const hi = r.rows[0]?.hi;
  if (lo === null || lo === undefined || hi === null || hi === undefined) return { first: 0, lineBase: 0 };
  const first = await reserveSerialsForImport(db, input.tenantId, Number(hi) - Number(lo) + 1);
  return { first, lineBase: Number(lo) };
}

/** Members, cards and consents for the staged rows of a line range that are still new. */
async function insertRows(
  trx: Kysely<Database>,
  input: MergeInput,
  chunk: { from: number; to: number },
  serials: { first: number; lineBase: number },
): Promise<{ created: number; cards: number; consents: number }> {
  const firstSerial = serials.first;
  const lineBase = serials.lineBase;
  const { tenantId, importId, now } = input;
  const run = timed(trx);
  await skipForeignKeyChecks(trx);
  const rows = sql`r.import_id = ${importId} and r.line between ${chunk.from} and ${chunk.to}`;
  const members = await insertOptimistically(
    trx,
    (safe) => sql`
        insert into member (id, tenant_id, phone, email, first_name, last_name, birth_date, external_id, tags,
                            attributes, source, created_at, updated_at)
        select member_id, tenant_id, phone, email, first_name, last_name, birth_date, external_id,
               coalesce(tags, '{}'), coalesce(attributes, '{}'), 'import', ${now}, ${now}
        from member_import_row r
        where ${rows} and r.outcome is null
        order by line
        ${safe ? sql`on conflict do nothing` : sql``}`,
  );
  if (members.safe) {
    await run(sql`
        update member_import_row r
        set outcome = 'exists', reason = 'a member with one of these identifiers was created meanwhile'
        where ${rows} and r.outcome is null and not exists (select 1 from member m where m.id = r.member_id)`);
  }
  // The given cards, and a virtual card (EAN-13 in the 299 range) for everyone else.
  // Serial = the block's first + the row's line offset: unique without sorting the rows (the block
  // spans every line, so rows with their own card leave harmless gaps).
  const numberBase = Number(VIRTUAL_CARD_PREFIX) * 1e9 + firstSerial - lineBase;
  const virtualNumber = ean13Sql(sql`(${String(numberBase)}::bigint + r.line)`);
  const cards = await insertOptimistically(
    trx,
    (safe) => sql`
        insert into member_card (tenant_id, number, member_id, kind, status, batch_id, bound_at)
        select r.tenant_id, coalesce(r.card_number, ${virtualNumber}), r.member_id, r.card_kind, 'active',
               case when r.card_kind = 'plastic' then (
                 select b.id from card_batch b
                 where b.tenant_id = r.tenant_id and r.card_number like b.prefix || '%'
                   and substr(r.card_number, length(b.prefix) + 1, 12 - length(b.prefix))::bigint
                       between b.first_serial and b.first_serial + b.count - 1
                 limit 1) end,
               ${now}
        from member_import_row r
        where ${rows} and r.outcome is null
        ${safe ? sql`on conflict do nothing` : sql``}`,
  );
  // Marketing consents given in the file (source: import), with their history rows.
  const consentRows = sql`
      select r.member_id, v.channel, v.granted, r.consent_version
      from member_import_row r
      cross join lateral (values ('email', r.consent_email), ('sms', r.consent_sms), ('push', r.consent_push))
        as v(channel, granted)
      where ${rows} and r.outcome is null and v.granted is not null`;
  const consents = await run(sql`
      insert into member_consent (tenant_id, member_id, channel, purpose, granted, text_version, source, updated_at)
      select ${tenantId}, c.member_id, c.channel, 'marketing', c.granted, c.consent_version, 'import', ${now}
      from (${consentRows}) c`);
  await run(sql`
      insert into member_consent_event (tenant_id, member_id, channel, purpose, granted, text_version, source, at,
                                        actor_type, actor_id)
      select ${tenantId}, c.member_id, c.channel, 'marketing', c.granted, c.consent_version, 'import', ${now},
             'system', ${`import:${importId}`}
      from (${consentRows}) c`);
  return {
    created: members.count,
    cards: cards.count,
    consents: Number(consents.numAffectedRows ?? 0n),
  };
}

async function reportSkippedRows(
  db: Db,
  importId: string,
  onProblem: ImportOptions['onProblem'],
): Promise<void> {
  if (!onProblem) return;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('member_import_row')
      .select(['line', 'outcome', 'reason', 'matched_member_id'])
      .where('import_id', '=', importId)
      .where('outcome', 'is not', null)
      .where('line', '>', after)
      .orderBy('line')
      .limit(10_000)
      .execute();
    for (const r of rows) {
      onProblem({
        line: r.line,
        outcome: r.outcome === 'duplicate' ? 'duplicate' : 'exists',
        reason: r.reason ?? '',
        ...(r.matched_member_id ? { memberId: r.matched_member_id } : {}),
      });
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < 10_000) return;
    after = last.line;
  }
}

/** Staging rows are scratch: gone after every import, whatever happened. */
async function clearStaging(db: Kysely<Database>, importId: string): Promise<void> {
  const others = await db
    .selectFrom('member_import_row')
    .select('import_id')
    .where('import_id', '<>', importId)
    .limit(1)
    .executeTakeFirst();
  // TRUNCATE is instant where DELETE of a million rows is not; only when no other import runs.
  if (others) await db.deleteFrom('member_import_row').where('import_id', '=', importId).execute();
  else await sql`truncate member_import_row`.execute(db);
}
