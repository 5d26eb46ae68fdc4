import { type Expression, type SqlBool, sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';
import { getMemberOrThrow } from './members.service';

// The single customer view: one feed, newest first, merged from several sources by time. Each
// source returns its own items older than a cursor position in the global order
// (at desc, source desc, key desc); the merge takes the newest `limit`. Ledger postings, receipts
// and messages join by adding a source to `timelineSources` (their capability implements it
// against its own tables) — the cursor and the merge do not change.

export type TimelineEntry = {
  source: string;
  /** Unique and ordered within the source (zero-padded for numeric ids). */
  key: string;
  at: Date;
  type: string;
  summary: string;
  data: Record<string, unknown>;
};

/** The position of the last item a client has seen. */
export type TimelinePosition = { atMs: number; source: string; key: string };

export type TimelineSource = {
  name: string;
  fetch: (
    db: DbOrTrx,
    tenantId: string,
    memberId: string,
    before: TimelinePosition | undefined,
    limit: number,
  ) => Promise<TimelineEntry[]>;
};

export type TimelineItem = {
  itemId: string;
  at: string;
  type: string;
  source: string;
  summary: string;
  data: Record<string, unknown>;
};

/**
 * SQL condition "this row comes after `before` in the feed" for a source, given its time (at
 * millisecond precision, like the cursor) and key expressions.
 */
export function olderThan(
  source: string,
  before: TimelinePosition | undefined,
  at: Expression<Date>,
  key: Expression<string>,
): Expression<SqlBool> {
  if (!before) return sql<SqlBool>`true`;
  const atMs = sql`date_trunc('milliseconds', ${at})`;
  const bound = sql`${new Date(before.atMs).toISOString()}::timestamptz`;
  if (source < before.source) return sql<SqlBool>`${atMs} <= ${bound}`;
  if (source > before.source) return sql<SqlBool>`${atMs} < ${bound}`;
  return sql<SqlBool>`(${atMs} < ${bound} or (${atMs} = ${bound} and ${key} < ${before.key}))`;
}

const pad = (id: number | string) => String(id).padStart(20, '0');
// Times are compared and returned at millisecond precision, the precision of the cursor.
const msAt = (column: string) => sql<Date>`date_trunc('milliseconds', ${sql.ref(column)})`.as('at');

const AUDIT_SUMMARIES: Record<string, string> = {
  'member.updated': 'Profile changed',
  'member.blocked': 'Blocked',
  'member.unblocked': 'Unblocked',
  'member.erased': 'Personal data erased',
  'member.exported': 'Personal data exported',
  'member.note_deleted': 'Note deleted',
  'card.bound': 'Card activated',
  'card.blocked': 'Card blocked',
  'card.replaced': 'Card replaced',
  'household.joined': 'Joined a household',
  'household.left': 'Left a household',
};

// Actions another source already shows (with more detail) stay out of the audit source.
const COVERED_ELSEWHERE = ['member.created', 'member.note_added', 'member.consent_changed', 'member.merged'];

export const timelineSources: TimelineSource[] = [
  {
    name: 'audit',
    fetch: async (db, tenantId, memberId, before, limit) => {
      const rows = await db
        .selectFrom('audit_log')
        .select(['id', 'action', 'actor_type', 'actor_id', 'details', msAt('at')])
        .where('tenant_id', '=', tenantId)
        .where('target_type', '=', 'member')
        .where('target_id', '=', memberId)
        .where('action', 'not in', COVERED_ELSEWHERE)
        .where((eb) => olderThan('audit', before, eb.ref('at'), sql<string>`lpad(id::text, 20, '0')`))
        .orderBy(sql`date_trunc('milliseconds', at)`, 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        source: 'audit',
        key: pad(r.id),
        at: r.at,
        type: r.action,
        summary: AUDIT_SUMMARIES[r.action] ?? r.action,
        data: {
          actorType: r.actor_type,
          actorId: r.actor_id,
          ...((r.details as Record<string, unknown>) ?? {}),
        },
      }));
    },
  },
  {
    name: 'consent',
    fetch: async (db, tenantId, memberId, before, limit) => {
      const rows = await db
        .selectFrom('member_consent_event')
        .select(['id', 'channel', 'purpose', 'granted', 'text_version', 'source', 'actor_type', msAt('at')])
        .where('tenant_id', '=', tenantId)
        .where('member_id', '=', memberId)
        .where((eb) => olderThan('consent', before, eb.ref('at'), sql<string>`lpad(id::text, 20, '0')`))
        .orderBy(sql`date_trunc('milliseconds', at)`, 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        source: 'consent',
        key: pad(r.id),
        at: r.at,
        type: r.granted ? 'consent.granted' : 'consent.withdrawn',
        summary: `${r.granted ? 'Gave' : 'Withdrew'} consent to ${r.purpose === 'marketing' ? `${r.channel} marketing` : 'personal-data processing'}`,
        data: {
          channel: r.channel,
          purpose: r.purpose,
          granted: r.granted,
          textVersion: r.text_version,
          source: r.source,
          actorType: r.actor_type,
        },
      }));
    },
  },
  {
    name: 'member',
    fetch: async (db, tenantId, memberId, before, limit) => {
      const rows = await db
        .selectFrom('member')
        .select(['id', 'source', msAt('created_at')])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', memberId)
        .where((eb) => olderThan('member', before, eb.ref('created_at'), eb.ref('id')))
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        source: 'member',
        key: r.id,
        at: r.at,
        type: 'member.joined',
        summary: r.source === 'import' ? 'Joined (imported)' : 'Joined the program',
        data: { source: r.source },
      }));
    },
  },
  {
    // A merge shows on both members: the survivor took a duplicate in, the duplicate went into it.
    name: 'merge',
    fetch: async (db, tenantId, memberId, before, limit) => {
      const rows = await db
        .selectFrom('member_merge')
        .select(['duplicate_member_id', 'survivor_member_id', 'summary', 'actor_type', msAt('merged_at')])
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          eb.or([eb('survivor_member_id', '=', memberId), eb('duplicate_member_id', '=', memberId)]),
        )
        .where((eb) => olderThan('merge', before, eb.ref('merged_at'), eb.ref('duplicate_member_id')))
        .orderBy(sql`date_trunc('milliseconds', merged_at)`, 'desc')
        .orderBy('duplicate_member_id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => {
        const absorbed = r.survivor_member_id === memberId;
        const { fieldsTaken: _fields, ...counts } = r.summary as Record<string, unknown>;
        return {
          source: 'merge',
          key: r.duplicate_member_id,
          at: r.at,
          type: absorbed ? 'member.merged' : 'member.merged_into',
          summary: absorbed
            ? `Duplicate ${r.duplicate_member_id} merged into this member`
            : `Merged into ${r.survivor_member_id}`,
          data: { ...counts, survivorMemberId: r.survivor_member_id, actorType: r.actor_type },
        };
      });
    },
  },
  {
    name: 'note',
    fetch: async (db, tenantId, memberId, before, limit) => {
      const rows = await db
        .selectFrom('member_note')
        .select(['id', 'body', 'author_type', 'author_id', msAt('created_at')])
        .where('tenant_id', '=', tenantId)
        .where('member_id', '=', memberId)
        .where((eb) => olderThan('note', before, eb.ref('created_at'), eb.ref('id')))
        .orderBy(sql`date_trunc('milliseconds', created_at)`, 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        source: 'note',
        key: r.id,
        at: r.at,
        type: 'note.added',
        summary: 'Note added',
        data: { noteId: r.id, text: r.body, authorType: r.author_type, authorId: r.author_id },
      }));
    },
  },
];

function compareDesc(a: TimelineEntry, b: TimelineEntry): number {
  const at = b.at.getTime() - a.at.getTime();
  if (at !== 0) return at;
  if (a.source !== b.source) return a.source < b.source ? 1 : -1;
  return a.key < b.key ? 1 : a.key > b.key ? -1 : 0;
}

export function isTimelineCursor(v: unknown): v is [number, string, string] {
  return (
    Array.isArray(v) &&
    v.length === 3 &&
    Number.isSafeInteger(v[0]) &&
    typeof v[1] === 'string' &&
    typeof v[2] === 'string'
  );
}

export async function buildTimeline(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  page: { limit: number; before?: [number, string, string] | undefined },
  sources: readonly TimelineSource[] = timelineSources,
): Promise<{ items: TimelineItem[]; next: [number, string, string] | null }> {
  await getMemberOrThrow(db, tenantId, memberId);
  const before = page.before
    ? { atMs: page.before[0], source: page.before[1], key: page.before[2] }
    : undefined;
  const fetched = (
    await Promise.all(sources.map((s) => s.fetch(db, tenantId, memberId, before, page.limit + 1)))
  ).flat();
  fetched.sort(compareDesc);
  const items = fetched.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((e) => ({
      itemId: `${e.source}:${e.key.replace(/^0+(?=\d)/, '')}`,
      at: e.at.toISOString(),
      type: e.type,
      source: e.source,
      summary: e.summary,
      data: e.data,
    })),
    next: fetched.length > page.limit && last ? [last.at.getTime(), last.source, last.key] : null,
  };
}
