import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildCardNumber, findCardSerial } from '@kopilka/domain/members';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../platform/database';
import type { Db } from '../../platform/db';
import { reserveSerialsForImport, VIRTUAL_CARD_PREFIX } from '../cards/cards.service';
import {
  CONSENT_COPY_COLUMNS,
  CONSENT_EVENT_COPY_COLUMNS,
  MEMBER_COPY_COLUMNS,
  type StagingSetup,
} from './import-member-rows';
import type { ImportProblem, ImportReport } from './import-members.service';
import type { AcceptedRows } from './import-members.worker';
import { recordMembersImported } from './import-members-finish';
import { parallelBlocks } from './import-members-parallel';

// The bulk load of `kopilka import members` on PostgreSQL: a big file into a smaller program
// (typically the first migration from another system). One transaction on the COPY connection
// locks the member tables, loads the identifiers members already have, drops the member table's
// randomly ordered indexes, and then COPYs the rows straight into `member`, `member_card` and the
// consent tables while the parse workers are still reading the file — so PostgreSQL's inserts and
// Node's parsing overlap instead of running one after the other through a staging table. This
// thread checks every good row, in file order, against the identifiers seen earlier in the file
// (the first line wins, as the staging path's SQL decides) and those of existing members, and
// reports each duplicate and existing one at once. The indexes are rebuilt before COMMIT (their
// unique ones are the last word: a duplicate missed here fails the import instead of going in).

/** The member table's indexes whose keys arrive in random order: rebuilt instead of maintained. */
export const REBUILT_INDEXES = [
  'member_phone_uq',
  'member_phone_suffix_idx',
  'member_email_uq',
  'member_external_id_uq',
  'member_last_name_idx',
  'member_first_name_idx',
];

const FLUSH_BYTES = 8 << 20;
const SERIAL_BLOCK = 50_000;

export type BulkLoadInput = {
  client: pg.ClientBase;
  /** The pool: virtual card numbers are reserved outside the load's transaction. */
  db: Db;
  tenantId: string;
  importId: string;
  now: Date;
  input: Readable;
  workers: number;
  setup: Omit<StagingSetup, 'columns'>;
  report: ImportReport;
  onProblem: (problem: ImportProblem) => void;
  onRows: () => void;
  actor: { actorType: 'system' | 'staff' | 'api_key'; actorId: string | null };
};

/** Kysely on one checked-out client, so that the load's statements share its transaction. */
function onClient(client: pg.ClientBase): Kysely<Database> {
  const pool = {
    connect: async () => Object.assign(client, { release: () => undefined }),
    end: async () => undefined,
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
}

const debug = process.env.KOPILKA_IMPORT_DEBUG ? { copyMs: 0, waitMs: 0, rebuildMs: 0 } : undefined;

async function copyInto(client: pg.ClientBase, table: string, columns: string, chunks: Uint8Array[]) {
  if (chunks.length === 0) return;
  const t0 = Date.now();
  const copy = client.query(copyFrom(`copy ${table} (${columns}) from stdin`));
  await pipeline(
    Readable.from(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))),
    copy as unknown as Writable,
  );
  if (debug) debug.copyMs += Date.now() - t0;
}

/** The line `key` first appeared on, remembering this one if it is the first. */
function firstLine(seen: Map<string, number>, key: string | null, line: number): number | undefined {
  if (key === null) return undefined;
  const first = seen.get(key);
  if (first === undefined) seen.set(key, line);
  return first;
}

export async function bulkLoadMembers(x: BulkLoadInput): Promise<void> {
  const { client, tenantId, report } = x;
  const k = onClient(client);
  await sql`begin`.execute(k);
  try {
    await sql`lock table member, member_card, member_consent, member_consent_event in access exclusive mode`.execute(
      k,
    );
    await sql`set local maintenance_work_mem = '256MB'`.execute(k);
    // Foreign keys of the rows COPYed here point at members COPYed a statement earlier in this
    // transaction; a superuser may skip the checks (like pg_restore --disable-triggers).
    const su = await sql<{ su: string }>`select current_setting('is_superuser') as su`.execute(k);
    if (su.rows[0]?.su === 'on') await sql`set local session_replication_role = replica`.execute(k);

    // What members of this program already have (the table is locked: nothing changes meanwhile).
    const existing = {
      phone: new Map<string, string>(),
      email: new Map<string, string>(),
      externalId: new Map<string, string>(),
      cardNumber: new Map<string, string | null>(),
    };
    const members = await sql<{
      id: string;
      phone: string | null;
      email: string | null;
      external_id: string | null;
    }>`
      select id, phone, lower(email) as email, external_id from member where tenant_id = ${tenantId}`.execute(
      k,
    );
    for (const m of members.rows) {
      if (m.phone) existing.phone.set(m.phone, m.id);
      if (m.email) existing.email.set(m.email, m.id);
      if (m.external_id) existing.externalId.set(m.external_id, m.id);
    }
    const cards = await sql<{ number: string; member_id: string | null }>`
      select number, member_id from member_card where tenant_id = ${tenantId}`.execute(k);
    for (const c of cards.rows) existing.cardNumber.set(c.number, c.member_id);

    // The definitions come from the catalog, so the rebuilt indexes are exactly the migrations'.
    const indexes = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes
      where schemaname = current_schema() and indexname in (${sql.join(REBUILT_INDEXES)})`.execute(k);
    for (const ix of indexes.rows) await sql`drop index ${sql.ref(ix.indexname)}`.execute(k);

    const seen = {
      phone: new Map<string, number>(),
      email: new Map<string, number>(),
      externalId: new Map<string, number>(),
      cardNumber: new Map<string, number>(),
    };
    // Virtual numbers issued by this load: ranges [first, next) of serials, to recognise a number
    // from another Kopilka in the file that this load has already given to someone.
    const issued: { first: number; next: number }[] = [];
    let maxForeignVirtual = -1;
    const foreign = new Set<number>();
    let members_: Uint8Array[] = [];
    let cardsText: Uint8Array[] = [];
    let consents: Uint8Array[] = [];
    let events: Uint8Array[] = [];
    let pendingBytes = 0;
    // COPYs run one after another on the connection while this thread prepares the next rows:
    // at most one flush waits behind the one in progress.
    let copying: Promise<void> = Promise.resolve();
    const flush = async () => {
      const batch = [members_, cardsText, consents, events] as const;
      members_ = [];
      cardsText = [];
      consents = [];
      events = [];
      pendingBytes = 0;
      const previous = copying;
      copying = previous.then(async () => {
        await copyInto(client, 'member', MEMBER_COPY_COLUMNS, batch[0]);
        await copyInto(
          client,
          'member_card',
          'tenant_id, number, member_id, kind, status, batch_id, bound_at',
          batch[1],
        );
        await copyInto(client, 'member_consent', CONSENT_COPY_COLUMNS, batch[2]);
        await copyInto(client, 'member_consent_event', CONSENT_EVENT_COPY_COLUMNS, batch[3]);
      });
      // A failed COPY must surface here, not as an unhandled rejection.
      copying.catch(() => undefined);
      await previous;
    };
    const serials = { next: 0, end: 0 };
    /** `count` serials for new virtual cards, skipping numbers from elsewhere accepted so far. */
    const takeSerials = async (count: number): Promise<number[]> => {
      const out: number[] = [];
      while (out.length < count) {
        if (serials.next >= serials.end) {
          // Serials come in big blocks (one round trip each); an import leaves at most one
          // block's tail unused, a gap nobody notices among 10^9 numbers.
          const size = Math.max(count - out.length, SERIAL_BLOCK);
          const first = await reserveSerialsForImport(x.db, tenantId, size);
          Object.assign(serials, { next: first, end: first + size });
          issued.push({ first, next: first });
        }
        const serial = serials.next++;
        issued[issued.length - 1]!.next = serials.next;
        if (!foreign.has(serial)) out.push(serial);
      }
      return out;
    };

    /** Row `i` of a block: a duplicate of an earlier line, an existing member's, or undefined (new). */
    const check = (a: AcceptedRows, i: number): ImportProblem | undefined => {
      const line = a.lines[i]!;
      // Every field's first line is remembered, also for rows that turn out to be duplicates.
      const phone = firstLine(seen.phone, a.phone[i] ?? null, line);
      const email = firstLine(seen.email, a.email[i] ?? null, line);
      const externalId = firstLine(seen.externalId, a.externalId[i] ?? null, line);
      const cardNumber = firstLine(seen.cardNumber, a.cardNumber[i] ?? null, line);
      const duplicate: ImportProblem | undefined =
        phone !== undefined
          ? { line, outcome: 'duplicate', reason: `same phone as line ${phone}` }
          : email !== undefined
            ? { line, outcome: 'duplicate', reason: `same email as line ${email}` }
            : externalId !== undefined
              ? { line, outcome: 'duplicate', reason: `same externalId as line ${externalId}` }
              : cardNumber !== undefined
                ? { line, outcome: 'duplicate', reason: `same cardNumber as line ${cardNumber}` }
                : undefined;
      if (duplicate) return duplicate;
      for (const field of ['phone', 'email', 'externalId'] as const) {
        const key = a[field][i] ?? null;
        const memberId = key === null ? undefined : existing[field].get(key);
        if (memberId !== undefined) {
          return {
            line,
            outcome: 'exists',
            reason: `${field} already belongs to member ${memberId}`,
            memberId,
          };
        }
      }
      const card = a.cardNumber[i] ?? null;
      if (card !== null && existing.cardNumber.has(card)) {
        const memberId = existing.cardNumber.get(card);
        return memberId
          ? { line, outcome: 'exists', reason: `cardNumber already belongs to member ${memberId}`, memberId }
          : { line, outcome: 'exists', reason: 'cardNumber is a blocked card' };
      }
      if (card !== null && a.foreignVirtual[i]) {
        const serial = findCardSerial(VIRTUAL_CARD_PREFIX, card) ?? -1;
        if (issued.some((r) => serial >= r.first && serial < r.next)) {
          return {
            line,
            outcome: 'exists',
            reason: 'cardNumber was issued as a virtual card to another row of this import',
          };
        }
        maxForeignVirtual = Math.max(maxForeignVirtual, serial);
        foreign.add(serial);
      }
      return undefined;
    };

    let waited = Date.now();
    for await (const block of parallelBlocks({
      input: x.input,
      workers: x.workers,
      mode: 'direct',
      setup: { ...x.setup, tenantId, importId: x.importId },
      onHeader: (ignored) => report.ignoredColumns.push(...ignored),
    })) {
      if (debug) debug.waitMs += Date.now() - waited;
      report.rows += block.rows;
      report.invalid += block.invalid.length;
      for (const p of block.invalid) x.onProblem({ line: p.line, outcome: 'invalid', reason: p.reason });
      const a = block.accepted;
      if (a === null) throw new Error('a parse worker answered without rows');
      const fresh: number[] = [];
      for (let i = 0; i < a.lines.length; i++) {
        const problem = check(a, i);
        if (!problem) fresh.push(i);
        else {
          if (problem.outcome === 'duplicate') report.duplicates++;
          else report.existing++;
          x.onProblem(problem);
        }
      }
      const numbers = await takeSerials(fresh.filter((i) => a.cardNumber[i] === null).length);
      let nextNumber = 0;
      for (const i of fresh) {
        const at = a.cardNumberAt[i]!;
        if (at < 0) continue;
        const number = buildCardNumber(VIRTUAL_CARD_PREFIX, numbers[nextNumber++]!);
        for (let d = 0; d < number.length; d++) a.card[at + d] = number.charCodeAt(d);
      }
      for (const i of fresh) report.consents += a.consents[i]!;
      // Most blocks keep every row: their bytes go as they are; otherwise the kept rows' slices.
      const keepAll = fresh.length === a.lines.length;
      const pick = (into: Uint8Array[], bytes: Uint8Array, ends: Int32Array) => {
        pendingBytes += bytes.length;
        if (keepAll) {
          into.push(bytes);
          return;
        }
        // Runs of consecutive kept rows go as one slice (a COPY message each, not one per row).
        for (let r = 0; r < fresh.length; ) {
          const from = fresh[r]!;
          let to = from;
          while (r + 1 < fresh.length && fresh[r + 1] === to + 1) to = fresh[++r]!;
          r++;
          into.push(bytes.subarray(from === 0 ? 0 : ends[from - 1], ends[to]));
        }
      };
      pick(members_, a.member, a.memberEnds);
      pick(cardsText, a.card, a.cardEnds);
      pick(consents, a.consent, a.consentEnds);
      pick(events, a.event, a.eventEnds);
      report.created += fresh.length;
      report.cardsIssued += fresh.length;
      x.onRows();
      if (pendingBytes >= FLUSH_BYTES) await flush();
      waited = Date.now();
    }
    await flush();
    await copying;

    const rebuild = Date.now();
    for (const ix of indexes.rows) await sql.raw(ix.indexdef).execute(k);
    if (debug) {
      debug.rebuildMs = Date.now() - rebuild;
      process.stderr.write(`    bulk load: ${JSON.stringify(debug)}\n`);
    }
    // Virtual numbers brought in from elsewhere must never be issued again here.
    if (maxForeignVirtual >= 0) {
      await sql`
        insert into card_range (tenant_id, prefix, next_serial)
        values (${tenantId}, ${VIRTUAL_CARD_PREFIX}, ${maxForeignVirtual + 1})
        on conflict (tenant_id, prefix)
          do update set next_serial = greatest(card_range.next_serial, excluded.next_serial)`.execute(k);
    }
    await recordMembersImported(k, { tenantId, importId: x.importId, now: x.now, actor: x.actor, report });
    await sql`commit`.execute(k);
  } catch (err) {
    await sql`rollback`.execute(k).catch(() => undefined);
    throw err;
  }
}
