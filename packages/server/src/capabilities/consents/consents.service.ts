import type { DbOrTrx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { AuditActor } from '../audit/audit.service';
import type {
  ConsentChannel,
  ConsentPurpose,
  ConsentSource,
  MemberConsentEventRow,
  MemberConsentRow,
} from './consents.table';

// Consents under 152-FZ / GDPR: marketing consent is per channel (SMS marketing needs its own),
// personal-data processing consent is one per member (channel `any`). Every grant and withdrawal
// is appended to the history with the text version the member agreed to, when and where.

export const CONSENT_CHANNELS = ['email', 'sms', 'push', 'any'] as const;
export const CONSENT_PURPOSES = ['marketing', 'personal_data'] as const;
export const CONSENT_SOURCES = ['till', 'web', 'import', 'api', 'console'] as const;

export type ConsentInput = {
  channel?: ConsentChannel | undefined;
  purpose: ConsentPurpose;
  granted: boolean;
  textVersion?: string | undefined;
  source?: ConsentSource | undefined;
  evidence?: Record<string, unknown> | undefined;
};

export type ConsentView = {
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  textVersion: string | null;
  source: ConsentSource;
  updatedAt: string;
};

export type ConsentEventView = {
  consentEventId: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  textVersion: string | null;
  source: ConsentSource;
  at: string;
  actorType: string;
  actorId: string | null;
};

export function rowToConsent(row: MemberConsentRow): ConsentView {
  return {
    channel: row.channel,
    purpose: row.purpose,
    granted: row.granted,
    textVersion: row.text_version,
    source: row.source,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function rowToConsentEvent(row: MemberConsentEventRow): ConsentEventView {
  return {
    consentEventId: String(row.id),
    channel: row.channel,
    purpose: row.purpose,
    granted: row.granted,
    textVersion: row.text_version,
    source: row.source,
    at: row.at.toISOString(),
    actorType: row.actor_type,
    actorId: row.actor_id,
  };
}

/** Checks the channel/purpose pairing; returns the channel to store. */
export function resolveConsentChannel(input: ConsentInput, field: string): ConsentChannel {
  if (input.purpose === 'personal_data') {
    if (input.channel !== undefined && input.channel !== 'any') {
      throw new AppError(
        'validation_failed',
        'Consent to personal-data processing is not per channel: leave "channel" out or send "any".',
        [{ field: `${field}.channel`, message: 'must be "any" (or absent) for purpose personal_data' }],
      );
    }
    return 'any';
  }
  if (input.channel === undefined || input.channel === 'any') {
    throw new AppError(
      'validation_failed',
      'Marketing consent is given per channel: send "channel": "email", "sms" or "push".',
      [{ field: `${field}.channel`, message: 'must be email, sms or push for purpose marketing' }],
    );
  }
  return input.channel;
}

export async function recordConsents(
  trx: DbOrTrx,
  input: {
    tenantId: string;
    memberId: string;
    consents: readonly ConsentInput[];
    defaultSource: ConsentSource;
    actor: AuditActor;
    at: Date;
    field?: string;
  },
): Promise<ConsentView[]> {
  const out: ConsentView[] = [];
  for (const [i, c] of input.consents.entries()) {
    const channel = resolveConsentChannel(c, `${input.field ?? 'body.consents'}.${i}`);
    const row = {
      tenant_id: input.tenantId,
      member_id: input.memberId,
      channel,
      purpose: c.purpose,
      granted: c.granted,
      text_version: c.textVersion ?? null,
      source: c.source ?? input.defaultSource,
    };
    const current = await trx
      .insertInto('member_consent')
      .values({ ...row, updated_at: input.at })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'member_id', 'channel', 'purpose']).doUpdateSet({
          granted: row.granted,
          text_version: row.text_version,
          source: row.source,
          updated_at: input.at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('member_consent_event')
      .values({
        ...row,
        at: input.at,
        actor_type: input.actor.actorType,
        actor_id: input.actor.actorId,
        evidence: c.evidence === undefined ? null : JSON.stringify(c.evidence),
      })
      .execute();
    out.push(rowToConsent(current));
  }
  return out;
}

export async function listConsents(db: DbOrTrx, tenantId: string, memberId: string): Promise<ConsentView[]> {
  const rows = await db
    .selectFrom('member_consent')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('purpose')
    .orderBy('channel')
    .execute();
  return rows.map(rowToConsent);
}

export async function listConsentHistory(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  opts: { limit: number; beforeId?: number | undefined },
): Promise<{ items: ConsentEventView[]; more: boolean }> {
  let q = db
    .selectFrom('member_consent_event')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
  const rows = await q.execute();
  return { items: rows.slice(0, opts.limit).map(rowToConsentEvent), more: rows.length > opts.limit };
}

/** May this member be sent marketing through this channel? (Messaging asks before every send.) */
export async function hasMarketingConsent(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  channel: 'email' | 'sms' | 'push',
): Promise<boolean> {
  const row = await db
    .selectFrom('member_consent')
    .select('granted')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('channel', '=', channel)
    .where('purpose', '=', 'marketing')
    .executeTakeFirst();
  return row?.granted === true;
}

/**
 * Erasure: every consent is withdrawn (recorded in the history) and the evidence that is itself
 * personal data (IP addresses, user agents) is wiped from every history row.
 */
export async function eraseConsents(
  trx: DbOrTrx,
  input: { tenantId: string; memberId: string; actor: AuditActor; at: Date },
): Promise<void> {
  await trx
    .updateTable('member_consent_event')
    .set({ evidence: null })
    .where('tenant_id', '=', input.tenantId)
    .where('member_id', '=', input.memberId)
    .where('evidence', 'is not', null)
    .execute();
  const granted = await trx
    .updateTable('member_consent')
    .set({ granted: false, source: 'api', updated_at: input.at })
    .where('tenant_id', '=', input.tenantId)
    .where('member_id', '=', input.memberId)
    .where('granted', '=', true)
    .returningAll()
    .execute();
  for (const row of granted) {
    await trx
      .insertInto('member_consent_event')
      .values({
        tenant_id: row.tenant_id,
        member_id: row.member_id,
        channel: row.channel,
        purpose: row.purpose,
        granted: false,
        text_version: row.text_version,
        source: 'api',
        at: input.at,
        actor_type: input.actor.actorType,
        actor_id: input.actor.actorId,
        evidence: JSON.stringify({ reason: 'erased' }),
      })
      .execute();
  }
}
