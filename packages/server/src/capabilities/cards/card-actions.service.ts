import { type Db, inTransaction, isUniqueViolation, type Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { recordAudit } from '../audit/audit.service';
import { maybeIdempotent } from '../members/idempotency';
import { normalizeCardNumber } from '../members/identifiers';
import { getMemberOrThrow, mergedConflict, type WriteContext } from '../members/members.service';
import {
  bindCard,
  blockCard,
  type CardBatchView,
  type CardClassification,
  type CardView,
  classifyNewCard,
  createCardBatch,
  getCardViewOrThrow,
  issueVirtualCardNumber,
  replaceCard,
} from './cards.service';

// Audited card use cases behind the routes: each validates, opens the transaction and records
// the audit entry on the member (so card changes show in the member's timeline).

export function cardNumberOrThrow(raw: string, field: string): string {
  const n = normalizeCardNumber(raw);
  if (!n) {
    throw new AppError('validation_failed', `'${raw}' is not a card number.`, [
      { field, message: 'must be 4–32 letters or digits (spaces and dashes are ignored)' },
    ]);
  }
  return n;
}

async function prepareNewCard(
  trx: Trx,
  tenantId: string,
  given: string | undefined,
  virtualNumber: string | undefined,
  field: string,
): Promise<{ number: string; card: CardClassification }> {
  if (given === undefined) {
    return { number: virtualNumber as string, card: { kind: 'virtual', batchId: null } };
  }
  const number = cardNumberOrThrow(given, field);
  return { number, card: await classifyNewCard(trx, tenantId, number, field) };
}

/** A concurrent bind of the same number lost the race to the primary key: say who has it. */
async function withCardRace<T>(
  db: Db,
  tenantId: string,
  number: string | undefined,
  field: string,
  fn: () => Promise<T>,
) {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err) && number) await classifyNewCard(db, tenantId, number, field);
    throw err;
  }
}

/**
 * A write that hands a member a new card (`given`, or a virtual one when it is absent), exactly
 * once per idempotency key. A virtual number's serial is reserved before the transaction (the
 * counter row is then locked for one statement only; an unused number is a harmless gap); a
 * concurrent bind of the given number ends as a 409 that names who has it.
 */
async function newCardWrite<T>(
  db: Db,
  ctx: WriteContext,
  w: { scope: string; key: string | undefined; request: unknown; given: string | undefined; field: string },
  write: (trx: Trx, newCard: () => Promise<{ number: string; card: CardClassification }>) => Promise<T>,
): Promise<T> {
  const virtualNumber = w.given === undefined ? await issueVirtualCardNumber(db, ctx.tenantId) : undefined;
  const op = { tenantId: ctx.tenantId, scope: w.scope, key: w.key, request: w.request };
  return withCardRace(db, ctx.tenantId, w.given && normalizeCardNumber(w.given), w.field, () =>
    inTransaction(db, (trx) =>
      maybeIdempotent(trx, op, 201, () =>
        write(trx, () => prepareNewCard(trx, ctx.tenantId, w.given, virtualNumber, w.field)),
      ),
    ),
  );
}

export async function activateMemberCard(
  db: Db,
  ctx: WriteContext,
  memberId: string,
  cardNumber: string | undefined,
  idempotencyKey?: string,
): Promise<CardView> {
  const w = {
    scope: 'cards.bind',
    key: idempotencyKey,
    request: { memberId, cardNumber },
    given: cardNumber,
    field: 'body.cardNumber',
  };
  return newCardWrite(db, ctx, w, async (trx, newCard) => {
    const member = await getMemberOrThrow(trx, ctx.tenantId, memberId);
    if (member.status === 'anonymized') {
      throw new AppError(
        'conflict',
        `Member '${member.memberId}' was erased; bind the card to a new member.`,
      );
    }
    if (member.status === 'merged') throw mergedConflict(member.memberId, member.mergedInto);
    const { number, card } = await newCard();
    const view = await bindCard(trx, { tenantId: ctx.tenantId, memberId, number, card, at: ctx.now });
    await recordAudit(trx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'card.bound',
      targetType: 'member',
      targetId: memberId,
      details: { cardNumber: number, kind: card.kind },
      requestId: ctx.requestId,
    });
    return view;
  });
}

export async function replaceMemberCard(
  db: Db,
  ctx: WriteContext,
  rawNumber: string,
  newCardNumber: string | undefined,
  idempotencyKey?: string,
): Promise<CardView> {
  const number = cardNumberOrThrow(rawNumber, 'params.cardNumber');
  const w = {
    scope: 'cards.replace',
    key: idempotencyKey,
    request: { number, newCardNumber },
    given: newCardNumber,
    field: 'body.newCardNumber',
  };
  return newCardWrite(db, ctx, w, async (trx, newCard) => {
    const old = await getCardViewOrThrow(trx, ctx.tenantId, number);
    if (!old.memberId) throw new AppError('not_found', `Card '${number}' is not bound to a member.`);
    const r = await replaceCard(trx, {
      tenantId: ctx.tenantId,
      number,
      newCard: await newCard(),
      at: ctx.now,
    });
    await recordAudit(trx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'card.replaced',
      targetType: 'member',
      targetId: old.memberId,
      details: { cardNumber: number, newCardNumber: r.newCard.cardNumber, kind: r.newCard.kind },
      requestId: ctx.requestId,
    });
    return r.newCard;
  });
}

export async function blockCardAudited(
  db: Db,
  ctx: WriteContext,
  rawNumber: string,
  reason: string | null,
): Promise<CardView> {
  const number = cardNumberOrThrow(rawNumber, 'params.cardNumber');
  return inTransaction(db, async (trx) => {
    const card = await blockCard(trx, { tenantId: ctx.tenantId, number, reason, at: ctx.now });
    await recordAudit(trx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'card.blocked',
      targetType: card.memberId ? 'member' : 'card',
      targetId: card.memberId ?? number,
      details: { cardNumber: number },
      requestId: ctx.requestId,
    });
    return card;
  });
}

export async function createCardBatchAudited(
  db: Db,
  ctx: WriteContext,
  input: { prefix: string; count: number; note: string },
  idempotencyKey?: string,
): Promise<CardBatchView> {
  const op = { tenantId: ctx.tenantId, scope: 'cards.batch', key: idempotencyKey, request: input };
  return inTransaction(db, (trx) =>
    maybeIdempotent(trx, op, 201, async () => {
      const created = await createCardBatch(trx, { tenantId: ctx.tenantId, ...input });
      await recordAudit(trx, {
        tenantId: ctx.tenantId,
        actor: ctx.actor,
        action: 'card_batch.created',
        targetType: 'card_batch',
        targetId: created.batchId,
        details: { prefix: created.prefix, count: created.count, firstNumber: created.firstNumber },
        requestId: ctx.requestId,
      });
      return created;
    }),
  );
}
