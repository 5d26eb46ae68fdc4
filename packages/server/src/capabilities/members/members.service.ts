import { type Db, type DbOrTrx, inTransaction, isUniqueViolation, type Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { type AuditActor, recordAudit } from '../audit/audit.service';
import {
  bindCard,
  type CardClassification,
  classifyNewCard,
  findMemberIdByActiveCard,
  issueVirtualCardNumber,
} from '../cards/cards.service';
import {
  type ConsentInput,
  type ConsentView,
  listConsents,
  recordConsents,
  resolveConsentChannel,
} from '../consents/consents.service';
import type { ConsentSource } from '../consents/consents.table';
import { type OtpCheck, verifyOtp } from '../verifications/verifications.service';
import { maybeIdempotent } from './idempotency';
import {
  computePhoneSearch,
  normalizeCardNumber,
  normalizeEmail,
  normalizeExternalId,
  normalizePhone,
} from './identifiers';
import {
  type AttributeDef,
  type FieldProblem,
  hasIdentifier,
  type MemberFields,
  type MemberFieldsInput,
  type ValidationContext,
  validateMemberFields,
} from './member-input';
import * as repo from './members.repository';
import type { AttributeType, MemberSource, MemberStatus } from './members.table';
import { resolveQrToken } from './qr-token.service';

export type MemberView = {
  memberId: string;
  cardNumber: string | null;
  phone: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  externalId: string | null;
  status: MemberStatus;
  statusReason: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  householdId: string | null;
  /** Set for status `merged`: the member this duplicate was merged into. */
  mergedInto: string | null;
  source: MemberSource;
  createdAt: string;
  updatedAt: string;
  consents?: ConsentView[];
};

/** Who writes and when; every write is audited with it in the same transaction. */
export type WriteContext = { tenantId: string; actor: AuditActor; requestId?: string | undefined; now: Date };

export function recordToMember(r: repo.MemberRecord): MemberView {
  return {
    memberId: r.id,
    cardNumber: r.card_number ?? null,
    phone: r.phone,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    birthDate: r.birth_date,
    externalId: r.external_id,
    status: r.status,
    statusReason: r.status_reason,
    tags: r.tags,
    attributes: r.attributes,
    householdId: r.household_id ?? null,
    mergedInto: r.merged_into,
    source: r.source,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** A write addressed to a merged member: the till or console should use the survivor. */
export function mergedConflict(memberId: string, mergedInto: string | null): AppError {
  return new AppError(
    'conflict',
    `Member '${memberId}' was merged into ${mergedInto}; use that member instead.`,
    { mergedInto },
  );
}

export function memberNotFound(memberId: string): AppError {
  return new AppError('not_found', `Member '${memberId}' does not exist in this program.`);
}

export async function getMemberOrThrow(db: DbOrTrx, tenantId: string, memberId: string): Promise<MemberView> {
  const row = await repo.findMemberById(db, tenantId, memberId);
  if (!row) throw memberNotFound(memberId);
  return recordToMember(row);
}

/** The member with their current consents: what GET /v1/members/{id} answers. */
export async function getMemberDetails(db: DbOrTrx, tenantId: string, memberId: string): Promise<MemberView> {
  const member = await getMemberOrThrow(db, tenantId, memberId);
  return { ...member, consents: await listConsents(db, tenantId, memberId) };
}

function validationError(problems: FieldProblem[], prefix: string): AppError {
  const details = problems.map((p) => ({ field: `${prefix}.${p.field}`, message: p.message }));
  const first = details[0];
  return new AppError(
    'validation_failed',
    details.length === 1 && first
      ? `The request is invalid: ${first.field} ${first.message}.`
      : `The request is invalid: ${details.length} fields are wrong (see details).`,
    details,
  );
}

function memberExists(conflict: { memberId: string; field: string }): AppError {
  return new AppError(
    'member_exists',
    `A member with this ${conflict.field} already exists (${conflict.memberId}); look it up instead of creating another.`,
    { memberId: conflict.memberId, field: conflict.field },
  );
}

export async function findTenantRegion(db: DbOrTrx, tenantId: string): Promise<string> {
  return (await repo.findTenantRegion(db, tenantId))?.default_region ?? 'RU';
}

export async function listAttributeDefs(db: DbOrTrx, tenantId: string): Promise<AttributeDef[]> {
  return (await repo.listAttributeDefs(db, tenantId)).map((d) => ({
    key: d.key,
    type: d.type,
    label: d.label,
    values: d.allowed_values,
  }));
}

export async function loadValidationContext(
  db: DbOrTrx,
  tenantId: string,
  now: Date,
  withAttributes: boolean,
): Promise<ValidationContext> {
  return {
    defaultRegion: await findTenantRegion(db, tenantId),
    attributeDefs: withAttributes ? await listAttributeDefs(db, tenantId) : [],
    today: now,
  };
}

export type CreateMemberInput = MemberFieldsInput & {
  consents?: ConsentInput[] | undefined;
};

/** After a unique-index violation (a concurrent create won the race), name the member that won. */
async function explainUniqueViolation(db: Db, tenantId: string, fields: MemberFields, exceptId?: string) {
  const conflicts = await repo.findIdentifierConflicts(db, tenantId, fields, exceptId);
  if (conflicts[0]) return memberExists(conflicts[0]);
  if (fields.cardNumber) {
    const card = await findMemberIdByActiveCard(db, tenantId, fields.cardNumber);
    if (card && 'memberId' in card) return memberExists({ memberId: card.memberId, field: 'cardNumber' });
  }
  return undefined;
}

export async function createMember(
  db: Db,
  ctx: WriteContext & { source: MemberSource; consentSource: ConsentSource },
  input: CreateMemberInput,
  opts: { idempotencyKey?: string | undefined } = {},
): Promise<MemberView> {
  const vctx = await loadValidationContext(db, ctx.tenantId, ctx.now, input.attributes !== undefined);
  const { fields, problems } = validateMemberFields(input, vctx);
  if (problems.length > 0) throw validationError(problems, 'body');
  if (!hasIdentifier(fields)) {
    throw new AppError(
      'validation_failed',
      'A member needs at least one identifier: phone, email, externalId or cardNumber.',
      ['phone', 'email', 'externalId', 'cardNumber'].map((f) => ({
        field: `body.${f}`,
        message: 'at least one of phone, email, externalId, cardNumber is required',
      })),
    );
  }
  for (const [i, c] of (input.consents ?? []).entries()) resolveConsentChannel(c, `body.consents.${i}`);

  // A virtual card number is reserved outside the transaction, so the per-tenant counter row is
  // locked for one statement only; a number left unused by a failure or a replay is a mere gap.
  const virtualNumber = fields.cardNumber ? undefined : await issueVirtualCardNumber(db, ctx.tenantId);
  const cardNumber = fields.cardNumber ?? (virtualNumber as string);
  const memberId = newId('mbr');
  try {
    return await inTransaction(db, (trx) =>
      maybeIdempotent(
        trx,
        { tenantId: ctx.tenantId, scope: 'members.create', key: opts.idempotencyKey, request: input },
        201,
        async () => {
          const conflicts = await repo.findIdentifierConflicts(trx, ctx.tenantId, fields);
          if (conflicts[0]) throw memberExists(conflicts[0]);
          const card: CardClassification = fields.cardNumber
            ? await classifyNewCard(trx, ctx.tenantId, fields.cardNumber)
            : { kind: 'virtual', batchId: null };
          await repo.insertMember(trx, {
            id: memberId,
            tenant_id: ctx.tenantId,
            phone: fields.phone ?? null,
            email: fields.email ?? null,
            first_name: fields.firstName ?? null,
            last_name: fields.lastName ?? null,
            birth_date: fields.birthDate ?? null,
            external_id: fields.externalId ?? null,
            tags: fields.tags ?? [],
            attributes: Object.fromEntries(
              Object.entries(fields.attributes ?? {}).filter(([, v]) => v !== null),
            ),
            source: ctx.source,
            created_at: ctx.now,
            updated_at: ctx.now,
          });
          await bindCard(trx, { tenantId: ctx.tenantId, memberId, number: cardNumber, card, at: ctx.now });
          if (input.consents?.length) {
            await recordConsents(trx, {
              tenantId: ctx.tenantId,
              memberId,
              consents: input.consents,
              defaultSource: ctx.consentSource,
              actor: ctx.actor,
              at: ctx.now,
            });
          }
          // Audit and events carry no personal data: erasure must not have to rewrite them.
          await recordAudit(trx, {
            tenantId: ctx.tenantId,
            actor: ctx.actor,
            action: 'member.created',
            targetType: 'member',
            targetId: memberId,
            details: { fields: Object.keys(fields), cardKind: card.kind, source: ctx.source },
            requestId: ctx.requestId,
          });
          await repo.insertMemberEvent(trx, {
            tenantId: ctx.tenantId,
            type: 'member.created',
            memberId,
            payload: { memberId, source: ctx.source },
            at: ctx.now,
          });
          return getMemberDetails(trx, ctx.tenantId, memberId);
        },
      ),
    );
  } catch (err) {
    if (isUniqueViolation(err)) {
      const explained = await explainUniqueViolation(db, ctx.tenantId, { ...fields, cardNumber });
      if (explained) throw explained;
    }
    throw err;
  }
}

export type UpdateMemberInput = Omit<MemberFieldsInput, 'cardNumber'>;

async function lockLiveMember(trx: Trx, tenantId: string, memberId: string) {
  const member = await repo.lockMember(trx, tenantId, memberId);
  if (!member) throw memberNotFound(memberId);
  if (member.status === 'anonymized') {
    throw new AppError('conflict', `Member '${memberId}' was erased; an erased member cannot be changed.`);
  }
  if (member.status === 'merged') throw mergedConflict(memberId, member.merged_into);
  return member;
}

export async function updateMember(
  db: Db,
  ctx: WriteContext,
  memberId: string,
  input: UpdateMemberInput,
): Promise<MemberView> {
  const vctx = await loadValidationContext(db, ctx.tenantId, ctx.now, input.attributes !== undefined);
  const { fields, problems } = validateMemberFields(input, vctx);
  if (problems.length > 0) throw validationError(problems, 'body');
  try {
    await inTransaction(db, async (trx) => {
      const current = await lockLiveMember(trx, ctx.tenantId, memberId);
      const conflicts = await repo.findIdentifierConflicts(trx, ctx.tenantId, fields, memberId);
      if (conflicts[0]) throw memberExists(conflicts[0]);
      let attributes: Record<string, unknown> | undefined;
      if (fields.attributes !== undefined) {
        attributes = { ...current.attributes };
        for (const [k, v] of Object.entries(fields.attributes)) {
          if (v === null) delete attributes[k];
          else attributes[k] = v;
        }
      }
      await repo.updateMember(trx, ctx.tenantId, memberId, {
        ...(fields.phone !== undefined ? { phone: fields.phone } : {}),
        ...(fields.email !== undefined ? { email: fields.email } : {}),
        ...(fields.firstName !== undefined ? { first_name: fields.firstName } : {}),
        ...(fields.lastName !== undefined ? { last_name: fields.lastName } : {}),
        ...(fields.birthDate !== undefined ? { birth_date: fields.birthDate } : {}),
        ...(fields.externalId !== undefined ? { external_id: fields.externalId } : {}),
        ...(fields.tags !== undefined ? { tags: fields.tags } : {}),
        ...(attributes !== undefined ? { attributes } : {}),
        updated_at: ctx.now,
      });
      const changed = Object.keys(fields);
      await recordAudit(trx, {
        tenantId: ctx.tenantId,
        actor: ctx.actor,
        action: 'member.updated',
        targetType: 'member',
        targetId: memberId,
        details: { fields: changed },
        requestId: ctx.requestId,
      });
      await repo.insertMemberEvent(trx, {
        tenantId: ctx.tenantId,
        type: 'member.updated',
        memberId,
        payload: { memberId, fields: changed },
        at: ctx.now,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const explained = await explainUniqueViolation(db, ctx.tenantId, fields, memberId);
      if (explained) throw explained;
    }
    throw err;
  }
  return getMemberDetails(db, ctx.tenantId, memberId);
}

/** Block (neither earn nor spend) or unblock; repeating the current status changes nothing. */
export async function setMemberStatus(
  db: Db,
  ctx: WriteContext,
  memberId: string,
  status: 'active' | 'blocked',
  reason: string | null,
): Promise<MemberView> {
  await inTransaction(db, async (trx) => {
    const current = await lockLiveMember(trx, ctx.tenantId, memberId);
    if (current.status === status) return;
    await repo.updateMember(trx, ctx.tenantId, memberId, {
      status,
      status_reason: status === 'blocked' ? reason : null,
      blocked_at: status === 'blocked' ? ctx.now : null,
      updated_at: ctx.now,
    });
    const action = status === 'blocked' ? 'member.blocked' : 'member.unblocked';
    await recordAudit(trx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action,
      targetType: 'member',
      targetId: memberId,
      requestId: ctx.requestId,
    });
    await repo.insertMemberEvent(trx, {
      tenantId: ctx.tenantId,
      type: action,
      memberId,
      payload: { memberId },
      at: ctx.now,
    });
  });
  return getMemberDetails(db, ctx.tenantId, memberId);
}

export type ListMembersQuery = {
  phone?: string | undefined;
  email?: string | undefined;
  cardNumber?: string | undefined;
  externalId?: string | undefined;
  q?: string | undefined;
  status?: MemberStatus | undefined;
  tag?: string | undefined;
  limit: number;
  beforeId?: string | undefined;
};

export async function listMembers(
  db: DbOrTrx,
  tenantId: string,
  query: ListMembersQuery,
): Promise<{ items: MemberView[]; more: boolean }> {
  const filter: repo.MemberListFilter = { status: query.status, tag: query.tag };
  const problems: FieldProblem[] = [];
  const needRegion = query.phone !== undefined || query.q !== undefined;
  const region = needRegion ? await findTenantRegion(db, tenantId) : 'RU';
  if (query.phone !== undefined) {
    filter.phone = normalizePhone(query.phone, region);
    if (!filter.phone) problems.push({ field: 'phone', message: 'is not a valid phone number' });
  }
  if (query.email !== undefined) {
    filter.email = normalizeEmail(query.email);
    if (!filter.email) problems.push({ field: 'email', message: 'is not a valid email address' });
  }
  if (query.cardNumber !== undefined) {
    filter.cardNumber = normalizeCardNumber(query.cardNumber);
    if (!filter.cardNumber) problems.push({ field: 'cardNumber', message: 'is not a card number' });
  }
  if (query.externalId !== undefined) {
    filter.externalId = normalizeExternalId(query.externalId);
    if (!filter.externalId) problems.push({ field: 'externalId', message: 'is not a valid external id' });
  }
  if (query.q !== undefined) {
    const phoneSearch = computePhoneSearch(query.q, region);
    if (phoneSearch) filter.phoneSearch = phoneSearch;
    else {
      const words = query.q.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0 || words.length > 2) {
        problems.push({
          field: 'q',
          message: 'must be a name (one or two words) or at least 3 digits of a phone',
        });
      } else filter.namePrefixes = words;
    }
  }
  if (problems.length > 0) throw validationError(problems, 'querystring');
  const rows = await repo.listMembers(db, tenantId, filter, { limit: query.limit, beforeId: query.beforeId });
  return { items: rows.slice(0, query.limit).map(recordToMember), more: rows.length > query.limit };
}

// ---------------------------------------------------------------------------------------------
// Resolving the member a receipt names.

export type MemberRef =
  | { memberId: string }
  | { cardNumber: string }
  | { qrToken: string }
  | { phone: string; otp?: string | undefined };

export type ResolvedMember = {
  memberId: string;
  status: MemberStatus;
  identifiedBy: 'memberId' | 'card' | 'qr' | 'phone' | 'phone_otp';
  /** For phone references: how the one-time code fared ('none' when no otp was sent). */
  verification?: OtpCheck;
};

function refNotFound(message: string): AppError {
  return new AppError('not_found', message);
}

/**
 * Finds the member a receipt (or any other caller) refers to. Throws 404 `not_found` when the
 * reference names nobody in this tenant (unknown id, card, phone; blocked card; bad or expired QR
 * token). Identification by phone with a wrong or missing code still resolves (earning by phone
 * alone is allowed) with `identifiedBy: 'phone'` and the code's fate in `verification`; a spend
 * needs `identifiedBy !== 'phone'`.
 *
 * Pass the root `db`, not a transaction, when the reference may carry an otp: wrong codes count
 * attempts towards the lock and must stay counted if the receipt then fails.
 */
export async function resolveMemberRef(
  db: DbOrTrx,
  tenantId: string,
  ref: MemberRef,
  now: Date,
): Promise<ResolvedMember> {
  if ('memberId' in ref) {
    let m = await repo.findMemberRef(db, tenantId, ref.memberId);
    // A till may still hold a merged duplicate's id (offline, cached): it gets the survivor.
    if (m?.status === 'merged' && m.merged_into) m = await repo.findMemberRef(db, tenantId, m.merged_into);
    if (!m) throw memberNotFound(ref.memberId);
    return { memberId: m.id, status: m.status, identifiedBy: 'memberId' };
  }
  if ('cardNumber' in ref) {
    const number = normalizeCardNumber(ref.cardNumber);
    const card = number ? await findMemberIdByActiveCard(db, tenantId, number) : undefined;
    if (!card) throw refNotFound(`Card '${ref.cardNumber}' is not a member's card in this program.`);
    if ('blocked' in card) {
      throw refNotFound(
        `Card '${ref.cardNumber}' is ${card.blocked.status}${card.blocked.replaced_by ? ` (replaced by ${card.blocked.replaced_by})` : ''}; it no longer identifies a member.`,
      );
    }
    const m = await repo.findMemberRef(db, tenantId, card.memberId);
    if (!m) throw memberNotFound(card.memberId);
    return { memberId: m.id, status: m.status, identifiedBy: 'card' };
  }
  if ('qrToken' in ref) {
    const r = await resolveQrToken(db, tenantId, ref.qrToken, now);
    if ('problem' in r) throw refNotFound(`The QR code ${r.problem}.`);
    return { memberId: r.memberId, status: r.status as MemberStatus, identifiedBy: 'qr' };
  }
  const phone = normalizePhone(ref.phone, await findTenantRegion(db, tenantId));
  if (!phone) {
    throw new AppError('validation_failed', `'${ref.phone}' is not a valid phone number.`, [
      { field: 'member.phone', message: 'is not a valid phone number' },
    ]);
  }
  const m = await repo.findMemberIdByPhone(db, tenantId, phone);
  if (!m) throw refNotFound(`No member of this program has the phone ${phone}.`);
  if (ref.otp === undefined)
    return { memberId: m.id, status: m.status, identifiedBy: 'phone', verification: 'none' };
  const verification = await verifyOtp(db, tenantId, phone, ref.otp, now);
  return {
    memberId: m.id,
    status: m.status,
    identifiedBy: verification === 'ok' ? 'phone_otp' : 'phone',
    verification,
  };
}

// ---------------------------------------------------------------------------------------------
// Notes and the tenant's attribute schema.

export type NoteView = {
  noteId: string;
  text: string;
  authorType: string;
  authorId: string | null;
  createdAt: string;
};

export async function addNote(
  db: Db,
  ctx: WriteContext,
  memberId: string,
  text: string,
  idempotencyKey?: string,
): Promise<NoteView> {
  return inTransaction(db, (trx) =>
    maybeIdempotent(
      trx,
      { tenantId: ctx.tenantId, scope: 'members.note', key: idempotencyKey, request: { memberId, text } },
      201,
      async () => {
        await lockLiveMember(trx, ctx.tenantId, memberId);
        const row = await repo.insertNote(trx, {
          id: newId('note'),
          tenant_id: ctx.tenantId,
          member_id: memberId,
          body: text,
          author_type: ctx.actor.actorType,
          author_id: ctx.actor.actorId,
          created_at: ctx.now,
        });
        await recordAudit(trx, {
          tenantId: ctx.tenantId,
          actor: ctx.actor,
          action: 'member.note_added',
          targetType: 'member',
          targetId: memberId,
          details: { noteId: row.id },
          requestId: ctx.requestId,
        });
        return {
          noteId: row.id,
          text: row.body,
          authorType: row.author_type,
          authorId: row.author_id,
          createdAt: row.created_at.toISOString(),
        };
      },
    ),
  );
}

export async function listNotes(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  page: { limit: number; beforeId?: string | undefined },
): Promise<{ items: NoteView[]; more: boolean }> {
  await getMemberOrThrow(db, tenantId, memberId);
  const rows = await repo.listNotes(db, tenantId, memberId, page);
  return {
    items: rows.slice(0, page.limit).map((r) => ({
      noteId: r.id,
      text: r.body,
      authorType: r.author_type,
      authorId: r.author_id,
      createdAt: r.created_at.toISOString(),
    })),
    more: rows.length > page.limit,
  };
}

export async function deleteNote(db: Db, ctx: WriteContext, memberId: string, noteId: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (!(await repo.deleteNote(trx, ctx.tenantId, memberId, noteId))) {
      throw new AppError('not_found', `Note '${noteId}' of member '${memberId}' does not exist.`);
    }
    await recordAudit(trx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'member.note_deleted',
      targetType: 'member',
      targetId: memberId,
      details: { noteId },
      requestId: ctx.requestId,
    });
  });
}

const ATTRIBUTE_KEY = /^[a-z][a-z0-9_]{0,39}$/;

export async function replaceAttributeDefs(
  db: Db,
  ctx: WriteContext,
  defs: { key: string; type: AttributeType; label?: string | undefined; values?: string[] | undefined }[],
): Promise<AttributeDef[]> {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  defs.forEach((d, i) => {
    if (!ATTRIBUTE_KEY.test(d.key))
      problems.push({ field: `items.${i}.key`, message: 'must match ^[a-z][a-z0-9_]{0,39}$' });
    if (seen.has(d.key)) problems.push({ field: `items.${i}.key`, message: 'is defined twice' });
    seen.add(d.key);
    if (d.type === 'enum' && !d.values?.length)
      problems.push({ field: `items.${i}.values`, message: 'an enum needs its allowed values' });
    if (d.type !== 'enum' && d.values !== undefined)
      problems.push({ field: `items.${i}.values`, message: 'only enum attributes have values' });
  });
  if (problems.length > 0) throw validationError(problems, 'body');
  await inTransaction(db, async (trx) => {
    await repo.replaceAttributeDefs(
      trx,
      ctx.tenantId,
      defs.map((d) => ({ key: d.key, type: d.type, label: d.label ?? '', values: d.values ?? null })),
    );
    await recordAudit(trx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'member_attributes.replaced',
      targetType: 'tenant',
      targetId: ctx.tenantId,
      details: { keys: defs.map((d) => d.key) },
      requestId: ctx.requestId,
    });
  });
  return listAttributeDefs(db, ctx.tenantId);
}
