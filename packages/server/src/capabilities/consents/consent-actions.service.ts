import { type Db, inTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { recordAudit } from '../audit/audit.service';
import { maybeIdempotent } from '../members/idempotency';
import { getMemberOrThrow, mergedConflict, type WriteContext } from '../members/members.service';
import {
  type ConsentInput,
  type ConsentView,
  recordConsents,
  resolveConsentChannel,
} from './consents.service';
import type { ConsentSource } from './consents.table';

/** Grant or withdraw one consent, audited, with an event for messaging to react to. */
export async function changeConsent(
  db: Db,
  ctx: WriteContext,
  memberId: string,
  input: ConsentInput,
  defaultSource: ConsentSource,
  idempotencyKey?: string,
): Promise<ConsentView> {
  resolveConsentChannel(input, 'body');
  const member = await getMemberOrThrow(db, ctx.tenantId, memberId);
  if (member.status === 'anonymized') {
    throw new AppError('conflict', `Member '${memberId}' was erased; their consents cannot change.`);
  }
  if (member.status === 'merged') throw mergedConflict(memberId, member.mergedInto);
  const op = {
    tenantId: ctx.tenantId,
    scope: 'consents.change',
    key: idempotencyKey,
    request: { memberId, input },
  };
  return inTransaction(db, (trx) =>
    maybeIdempotent(trx, op, 201, async () => {
      const [consent] = await recordConsents(trx, {
        tenantId: ctx.tenantId,
        memberId,
        consents: [input],
        defaultSource,
        actor: ctx.actor,
        at: ctx.now,
        field: 'body',
      });
      if (!consent) throw new Error('consent was not recorded');
      const details = {
        channel: consent.channel,
        purpose: consent.purpose,
        granted: consent.granted,
        textVersion: consent.textVersion,
        source: consent.source,
      };
      await recordAudit(trx, {
        tenantId: ctx.tenantId,
        actor: ctx.actor,
        action: 'member.consent_changed',
        targetType: 'member',
        targetId: memberId,
        details,
        requestId: ctx.requestId,
      });
      await trx
        .insertInto('event_outbox')
        .values({
          tenant_id: ctx.tenantId,
          type: 'consent.changed',
          dedupe_key: null,
          member_id: memberId,
          payload: JSON.stringify({ memberId, ...details }),
          occurred_at: ctx.now,
          delivered_at: null,
        })
        .execute();
      return consent;
    }),
  );
}
