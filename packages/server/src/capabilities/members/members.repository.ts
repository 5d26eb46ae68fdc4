import { type ExpressionBuilder, sql } from 'kysely';
import type { Database } from '../../platform/database';
import type { DbOrTrx } from '../../platform/db';
import { sqlStatement } from '../../platform/sql-statement';
import { escapeLike } from './identifiers';
import type { MemberStatus } from './members.table';

// The member's current card: the most recently bound active one.
const currentCard = (eb: ExpressionBuilder<Database, 'member'>) =>
  eb
    .selectFrom('member_card')
    .select('member_card.number')
    .whereRef('member_card.tenant_id', '=', 'member.tenant_id')
    .whereRef('member_card.member_id', '=', 'member.id')
    .where('member_card.status', '=', 'active')
    .orderBy('member_card.bound_at', 'desc')
    .orderBy('member_card.number', 'desc')
    .limit(1)
    .as('card_number');

const householdOf = (eb: ExpressionBuilder<Database, 'member'>) =>
  eb
    .selectFrom('household_member')
    .select('household_member.household_id')
    .whereRef('household_member.tenant_id', '=', 'member.tenant_id')
    .whereRef('household_member.member_id', '=', 'member.id')
    .as('household_id');

export function selectMembers(db: DbOrTrx) {
  return db
    .selectFrom('member')
    .select([
      'member.id',
      'member.tenant_id',
      'member.status',
      'member.status_reason',
      'member.phone',
      'member.email',
      'member.first_name',
      'member.last_name',
      sql<string | null>`member.birth_date::text`.as('birth_date'),
      'member.external_id',
      'member.tags',
      'member.attributes',
      'member.source',
      'member.created_at',
      'member.updated_at',
      'member.blocked_at',
      'member.anonymized_at',
      'member.merged_into',
      currentCard,
      householdOf,
    ]);
}

export type MemberRecord = Awaited<ReturnType<ReturnType<typeof selectMembers>['executeTakeFirstOrThrow']>>;

export function findMemberById(db: DbOrTrx, tenantId: string, memberId: string) {
  return selectMembers(db)
    .where('member.tenant_id', '=', tenantId)
    .where('member.id', '=', memberId)
    .executeTakeFirst();
}

// What a till's member reference needs on every receipt: the status and, for a merged duplicate,
// the survivor. Plain SQL text, not the full member row (ADR 0006).
const MEMBER_REF = sqlStatement<{ id: string; status: MemberStatus; merged_into: string | null }>(
  'select id, status, merged_into from member where tenant_id = $1 and id = $2',
);

export function findMemberRef(db: DbOrTrx, tenantId: string, memberId: string) {
  return MEMBER_REF.first(db, [tenantId, memberId]);
}

export function lockMember(db: DbOrTrx, tenantId: string, memberId: string) {
  return db
    .selectFrom('member')
    .select(['id', 'status', 'phone', 'attributes', 'merged_into'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', memberId)
    .forUpdate()
    .executeTakeFirst();
}

export function findMemberIdByPhone(db: DbOrTrx, tenantId: string, phone: string) {
  return db
    .selectFrom('member')
    .select(['id', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('phone', '=', phone)
    .executeTakeFirst();
}

export function findMemberByQrKey(db: DbOrTrx, tenantId: string, qrKey: string) {
  return db
    .selectFrom('member')
    .select(['id', 'status', 'qr_key'])
    .where('tenant_id', '=', tenantId)
    .where('qr_key', '=', qrKey)
    .executeTakeFirst();
}

export type IdentifierConflict = { memberId: string; field: 'phone' | 'email' | 'externalId' };

/** Members (other than `exceptId`) that already hold one of these identifiers. */
export async function findIdentifierConflicts(
  db: DbOrTrx,
  tenantId: string,
  ids: { phone?: string | null; email?: string | null; externalId?: string | null },
  exceptId?: string,
): Promise<IdentifierConflict[]> {
  const checks: { field: IdentifierConflict['field']; value: string }[] = [];
  if (ids.phone) checks.push({ field: 'phone', value: ids.phone });
  if (ids.email) checks.push({ field: 'email', value: ids.email });
  if (ids.externalId) checks.push({ field: 'externalId', value: ids.externalId });
  if (checks.length === 0) return [];
  const rows = await db
    .selectFrom('member')
    .select(['id', 'phone', 'email', 'external_id'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or(
        checks.map((c) =>
          c.field === 'phone'
            ? eb('phone', '=', c.value)
            : c.field === 'email'
              ? eb(sql`lower(email)`, '=', c.value.toLowerCase())
              : eb('external_id', '=', c.value),
        ),
      ),
    )
    .$if(exceptId !== undefined, (q) => q.where('id', '<>', exceptId as string))
    .execute();
  const out: IdentifierConflict[] = [];
  for (const c of checks) {
    const hit = rows.find((r) =>
      c.field === 'phone'
        ? r.phone === c.value
        : c.field === 'email'
          ? r.email?.toLowerCase() === c.value.toLowerCase()
          : r.external_id === c.value,
    );
    if (hit) out.push({ memberId: hit.id, field: c.field });
  }
  return out;
}

export type MemberListFilter = {
  phone?: string | undefined;
  email?: string | undefined;
  externalId?: string | undefined;
  cardNumber?: string | undefined;
  status?: MemberStatus | undefined;
  tag?: string | undefined;
  namePrefixes?: string[] | undefined;
  phoneSearch?: { prefixes: string[]; suffix: string } | undefined;
};

export function listMembers(
  db: DbOrTrx,
  tenantId: string,
  filter: MemberListFilter,
  page: { limit: number; beforeId?: string | undefined },
) {
  let q = selectMembers(db).where('member.tenant_id', '=', tenantId);
  if (filter.phone !== undefined) q = q.where('member.phone', '=', filter.phone);
  if (filter.email !== undefined) q = q.where(sql`lower(member.email)`, '=', filter.email.toLowerCase());
  if (filter.externalId !== undefined) q = q.where('member.external_id', '=', filter.externalId);
  if (filter.cardNumber !== undefined) {
    const number = filter.cardNumber;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('member_card')
          .select(sql`1`.as('one'))
          .where('member_card.tenant_id', '=', tenantId)
          .where('member_card.number', '=', number)
          .where('member_card.status', '=', 'active')
          .whereRef('member_card.member_id', '=', 'member.id'),
      ),
    );
  }
  if (filter.status !== undefined) q = q.where('member.status', '=', filter.status);
  if (filter.tag !== undefined) q = q.where(sql<boolean>`${filter.tag} = any(member.tags)`);
  if (filter.namePrefixes !== undefined && filter.namePrefixes.length > 0) {
    const [first, second] = filter.namePrefixes.map((p) => `${escapeLike(p.toLowerCase())}%`);
    // Each condition is the exact expression of a prefix index (lower(x) text_pattern_ops).
    const last = sql`lower(member.last_name)`;
    const given = sql`lower(member.first_name)`;
    q = q.where((eb) =>
      second === undefined
        ? eb.or([eb(last, 'like', first as string), eb(given, 'like', first as string)])
        : eb.or([
            eb.and([eb(last, 'like', first as string), eb(given, 'like', second)]),
            eb.and([eb(given, 'like', first as string), eb(last, 'like', second)]),
          ]),
    );
  }
  if (filter.phoneSearch !== undefined) {
    const { prefixes, suffix } = filter.phoneSearch;
    q = q.where((eb) =>
      eb.or([
        ...prefixes.map((p) => eb('member.phone', 'like', `${escapeLike(p)}%`)),
        eb(sql`reverse(member.phone)`, 'like', `${escapeLike([...suffix].reverse().join(''))}%`),
      ]),
    );
  }
  if (page.beforeId !== undefined) q = q.where('member.id', '<', page.beforeId);
  return q
    .orderBy('member.id', 'desc')
    .limit(page.limit + 1)
    .execute();
}

export async function insertMember(
  db: DbOrTrx,
  row: {
    id: string;
    tenant_id: string;
    phone: string | null;
    email: string | null;
    first_name: string | null;
    last_name: string | null;
    birth_date: string | null;
    external_id: string | null;
    tags: string[];
    attributes: Record<string, unknown>;
    source: 'api' | 'console' | 'import' | 'demo';
    created_at: Date;
    updated_at: Date;
  },
): Promise<void> {
  await db
    .insertInto('member')
    .values({
      ...row,
      tags: sql`${sql.val(row.tags)}::text[]` as unknown as string[],
      attributes: JSON.stringify(row.attributes),
    })
    .execute();
}

export type MemberChange = {
  phone?: string | null;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  birth_date?: string | null;
  external_id?: string | null;
  tags?: string[];
  attributes?: Record<string, unknown>;
  status?: MemberStatus;
  status_reason?: string | null;
  blocked_at?: Date | null;
  anonymized_at?: Date | null;
  qr_key?: string | null;
  merged_into?: string | null;
  merged_at?: Date | null;
  updated_at: Date;
};

/** A member's personal data and identifiers, cleared: what erasure and a merged duplicate keep. */
export const NO_PERSONAL_DATA = {
  phone: null,
  email: null,
  first_name: null,
  last_name: null,
  birth_date: null,
  external_id: null,
  tags: [],
  attributes: {},
  qr_key: null,
} as const satisfies Partial<MemberChange>;

export async function updateMember(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  change: MemberChange,
): Promise<void> {
  const { tags, attributes, ...rest } = change;
  await db
    .updateTable('member')
    .set({
      ...rest,
      ...(tags !== undefined ? { tags: sql`${sql.val(tags)}::text[]` as unknown as string[] } : {}),
      ...(attributes !== undefined ? { attributes: JSON.stringify(attributes) } : {}),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', memberId)
    .execute();
}

export async function setQrKeyIfMissing(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  qrKey: string,
): Promise<string | null> {
  await db
    .updateTable('member')
    .set({ qr_key: qrKey })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', memberId)
    .where('qr_key', 'is', null)
    .execute();
  const row = await db
    .selectFrom('member')
    .select('qr_key')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', memberId)
    .executeTakeFirst();
  return row?.qr_key ?? null;
}

export function findQrSecret(db: DbOrTrx, tenantId: string) {
  return db
    .selectFrom('member_qr_secret')
    .select('secret')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}

export async function insertQrSecretIfMissing(db: DbOrTrx, tenantId: string, secret: string): Promise<void> {
  await db
    .insertInto('member_qr_secret')
    .values({ tenant_id: tenantId, secret })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
}

export function findTenantRegion(db: DbOrTrx, tenantId: string) {
  return db.selectFrom('tenant').select('default_region').where('id', '=', tenantId).executeTakeFirst();
}

export function listAttributeDefs(db: DbOrTrx, tenantId: string) {
  return db
    .selectFrom('member_attribute_def')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('position')
    .orderBy('key')
    .execute();
}

export async function replaceAttributeDefs(
  db: DbOrTrx,
  tenantId: string,
  defs: { key: string; type: string; label: string; values: string[] | null }[],
): Promise<void> {
  await db.deleteFrom('member_attribute_def').where('tenant_id', '=', tenantId).execute();
  if (defs.length === 0) return;
  await db
    .insertInto('member_attribute_def')
    .values(
      defs.map((d, i) => ({
        tenant_id: tenantId,
        key: d.key,
        type: d.type as never,
        label: d.label,
        allowed_values: d.values === null ? null : JSON.stringify(d.values),
        position: i,
      })),
    )
    .execute();
}

export async function insertNote(
  db: DbOrTrx,
  row: {
    id: string;
    tenant_id: string;
    member_id: string;
    body: string;
    author_type: string;
    author_id: string | null;
    created_at: Date;
  },
) {
  return db.insertInto('member_note').values(row).returningAll().executeTakeFirstOrThrow();
}

export function listNotes(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  page: { limit: number; beforeId?: string | undefined },
) {
  let q = db
    .selectFrom('member_note')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.beforeId !== undefined) q = q.where('id', '<', page.beforeId);
  return q.execute();
}

export async function deleteNote(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  noteId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('member_note')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('id', '=', noteId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export async function insertMemberEvent(
  db: DbOrTrx,
  event: { tenantId: string; type: string; memberId: string; payload: Record<string, unknown>; at: Date },
): Promise<void> {
  await db
    .insertInto('event_outbox')
    .values({
      tenant_id: event.tenantId,
      type: event.type,
      dedupe_key: null,
      member_id: event.memberId,
      payload: JSON.stringify(event.payload),
      occurred_at: event.at,
      delivered_at: null,
    })
    .execute();
}
