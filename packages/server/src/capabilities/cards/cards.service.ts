import {
  buildCardNumber,
  computeSerialLength,
  doPrefixesOverlap,
  EAN13_LENGTH,
  findCardSerial,
} from '@kopilka/domain/members';
import type { DbOrTrx, Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import * as repo from './cards.repository';
import type { CardBatchRow, CardKind, MemberCardRow } from './cards.table';

// Virtual cards (issued when a member signs up without a plastic card) are EAN-13 numbers in the
// GS1 in-store range: prefix 299 + a 9-digit serial + check digit. Batches may not overlap it.
export const VIRTUAL_CARD_PREFIX = '299';
export const MAX_BATCH_SIZE = 100_000;

export type CardView = {
  cardNumber: string;
  memberId: string | null;
  kind: CardKind;
  status: 'unbound' | 'active' | 'blocked' | 'replaced';
  batchId: string | null;
  boundAt: string | null;
  blockedAt: string | null;
  blockReason: string | null;
  replacedBy: string | null;
};

export type CardBatchView = {
  batchId: string;
  prefix: string;
  count: number;
  firstNumber: string;
  lastNumber: string;
  note: string;
  createdAt: string;
};

export function rowToCard(row: MemberCardRow): CardView {
  return {
    cardNumber: row.number,
    memberId: row.member_id,
    kind: row.kind,
    status: row.status,
    batchId: row.batch_id,
    boundAt: row.member_id ? row.bound_at.toISOString() : null,
    blockedAt: row.blocked_at?.toISOString() ?? null,
    blockReason: row.block_reason,
    replacedBy: row.replaced_by,
  };
}

export function rowToBatch(row: CardBatchRow): CardBatchView {
  const first = Number(row.first_serial);
  return {
    batchId: row.id,
    prefix: row.prefix,
    count: row.count,
    firstNumber: buildCardNumber(row.prefix, first),
    lastNumber: buildCardNumber(row.prefix, first + row.count - 1),
    note: row.note,
    createdAt: row.created_at.toISOString(),
  };
}

/** Every number of a batch, in order (for the print house). */
export function* generateBatchNumbers(batch: CardBatchRow): Generator<string> {
  const first = Number(batch.first_serial);
  for (let i = 0; i < batch.count; i++) yield buildCardNumber(batch.prefix, first + i);
}

export async function issueVirtualCardNumber(db: DbOrTrx, tenantId: string): Promise<string> {
  return buildCardNumber(
    VIRTUAL_CARD_PREFIX,
    await repo.reserveSerials(db, tenantId, VIRTUAL_CARD_PREFIX, 1),
  );
}

/** The first of `count` consecutive virtual-card serials, for bulk work that builds the numbers in SQL. */
export async function reserveSerialsForImport(db: DbOrTrx, tenantId: string, count: number): Promise<number> {
  return repo.reserveSerials(db, tenantId, VIRTUAL_CARD_PREFIX, count);
}

function invalidCard(message: string, field = 'body.cardNumber'): AppError {
  return new AppError('validation_failed', message, [{ field, message }]);
}

export type CardClassification = { kind: CardKind; batchId: string | null };

/**
 * What binding this number to a member would mean: a plastic card of one of our batches, or an
 * external number (cards of a previous program). Throws 409 `member_exists` when the card already
 * belongs to a member, 409 `conflict` when it is blocked, 400 when it looks like one of our numbers
 * but is not one (wrong check digit, outside every batch, a virtual number nobody was issued).
 */
export async function classifyNewCard(
  db: DbOrTrx,
  tenantId: string,
  number: string,
  field = 'body.cardNumber',
): Promise<CardClassification> {
  const existing = await repo.findCard(db, tenantId, number);
  if (existing?.member_id) {
    throw new AppError('member_exists', `Card ${number} already belongs to a member.`, {
      memberId: existing.member_id,
      field: 'cardNumber',
    });
  }
  if (existing) throw new AppError('conflict', `Card ${number} is ${existing.status}; use another card.`);
  return classifyNumber(db, tenantId, number, field);
}

async function classifyNumber(
  db: DbOrTrx,
  tenantId: string,
  number: string,
  field: string,
): Promise<CardClassification> {
  if (number.length === EAN13_LENGTH && number.startsWith(VIRTUAL_CARD_PREFIX)) {
    throw invalidCard(`Card ${number} is a virtual card number; virtual cards are issued by Kopilka.`, field);
  }
  const batches = await repo.listBatchesMatching(db, tenantId, number);
  if (batches.length === 0) return { kind: 'external', batchId: null };
  for (const b of batches) {
    const serial = findCardSerial(b.prefix, number);
    const first = Number(b.first_serial);
    if (serial !== undefined && serial >= first && serial < first + b.count) {
      return { kind: 'plastic', batchId: b.id };
    }
  }
  throw invalidCard(
    `Card ${number} starts like this program's cards (prefix ${batches[0]?.prefix}) but is not one of them: check the digits.`,
    field,
  );
}

export async function bindCard(
  trx: DbOrTrx,
  input: { tenantId: string; memberId: string; number: string; card: CardClassification; at: Date },
): Promise<CardView> {
  const row = await repo.insertCard(trx, {
    tenant_id: input.tenantId,
    number: input.number,
    member_id: input.memberId,
    kind: input.card.kind,
    status: 'active',
    batch_id: input.card.batchId,
    bound_at: input.at,
  });
  return rowToCard(row);
}

export async function listCardsOfMember(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
): Promise<CardView[]> {
  return (await repo.listMemberCards(db, tenantId, memberId)).map(rowToCard);
}

/** A card as the till or console sees it, including printed batch cards nobody has bound yet. */
export async function findCardView(
  db: DbOrTrx,
  tenantId: string,
  number: string,
): Promise<CardView | undefined> {
  const row = await repo.findCard(db, tenantId, number);
  if (row) return rowToCard(row);
  try {
    const c = await classifyNumber(db, tenantId, number, 'params.cardNumber');
    if (c.kind !== 'plastic') return undefined;
    return {
      cardNumber: number,
      memberId: null,
      kind: 'plastic',
      status: 'unbound',
      batchId: c.batchId,
      boundAt: null,
      blockedAt: null,
      blockReason: null,
      replacedBy: null,
    };
  } catch {
    return undefined;
  }
}

export async function getCardViewOrThrow(db: DbOrTrx, tenantId: string, number: string): Promise<CardView> {
  const card = await findCardView(db, tenantId, number);
  if (!card) throw new AppError('not_found', `Card '${number}' does not exist in this program.`);
  return card;
}

/** The member an active card identifies; undefined for unknown, blocked or unbound cards. */
export async function findMemberIdByActiveCard(
  db: DbOrTrx,
  tenantId: string,
  number: string,
): Promise<{ memberId: string } | { blocked: MemberCardRow } | undefined> {
  const row = await repo.findCard(db, tenantId, number);
  if (!row?.member_id) return undefined;
  if (row.status !== 'active') return { blocked: row };
  return { memberId: row.member_id };
}

export async function blockCard(
  trx: Trx,
  input: { tenantId: string; number: string; reason: string | null; at: Date },
): Promise<CardView> {
  const card = await getCardViewOrThrow(trx, input.tenantId, input.number);
  if (card.status === 'blocked' || card.status === 'replaced') return card;
  if (card.status === 'unbound') {
    // A lost or stolen card from a printed batch: remember it so nobody can bind it later.
    const row = await repo.insertCard(trx, {
      tenant_id: input.tenantId,
      number: input.number,
      member_id: null,
      kind: 'plastic',
      status: 'blocked',
      batch_id: card.batchId,
      bound_at: input.at,
      blocked_at: input.at,
      block_reason: input.reason,
    });
    return rowToCard(row);
  }
  return rowToCard(
    await repo.setCardStatus(trx, input.tenantId, input.number, {
      status: 'blocked',
      blocked_at: input.at,
      block_reason: input.reason,
    }),
  );
}

/**
 * Replace a lost or damaged card: the old one stops identifying the member, the new one (a plastic
 * card given at the till, or a new virtual card) is bound to the same member, whose balance lives
 * on the member and so is untouched.
 */
export async function replaceCard(
  trx: Trx,
  input: {
    tenantId: string;
    number: string;
    newCard: { number: string; card: CardClassification };
    at: Date;
  },
): Promise<{ oldCard: CardView; newCard: CardView }> {
  const old = await repo.findCard(trx, input.tenantId, input.number);
  if (!old?.member_id) throw new AppError('not_found', `Card '${input.number}' is not bound to a member.`);
  if (old.status === 'replaced') {
    throw new AppError('conflict', `Card ${input.number} was already replaced by ${old.replaced_by}.`);
  }
  const newCard = await bindCard(trx, {
    tenantId: input.tenantId,
    memberId: old.member_id,
    number: input.newCard.number,
    card: input.newCard.card,
    at: input.at,
  });
  const oldCard = await repo.setCardStatus(trx, input.tenantId, input.number, {
    status: 'replaced',
    blocked_at: old.blocked_at ?? input.at,
    block_reason: old.block_reason ?? 'replaced',
    replaced_by: newCard.cardNumber,
  });
  return { oldCard: rowToCard(oldCard), newCard };
}

export async function blockCardsOfMember(
  trx: DbOrTrx,
  tenantId: string,
  memberId: string,
  reason: string,
  at: Date,
): Promise<number> {
  return repo.blockMemberCards(trx, tenantId, memberId, reason, at);
}

export async function createCardBatch(
  trx: Trx,
  input: { tenantId: string; prefix: string; count: number; note: string },
): Promise<CardBatchView> {
  const { prefix, count } = input;
  if (!/^\d{1,8}$/.test(prefix)) {
    throw invalidCard('The prefix must be 1 to 8 digits.', 'body.prefix');
  }
  if (doPrefixesOverlap(prefix, VIRTUAL_CARD_PREFIX)) {
    throw invalidCard(
      `Prefix ${prefix} overlaps ${VIRTUAL_CARD_PREFIX}, which is reserved for virtual cards; choose another (e.g. 25…).`,
      'body.prefix',
    );
  }
  const clash = (await repo.listRangePrefixes(trx, input.tenantId)).find(
    (r) => r.prefix !== prefix && doPrefixesOverlap(r.prefix, prefix),
  );
  if (clash) {
    throw new AppError(
      'conflict',
      `Prefix ${prefix} overlaps the existing card range ${clash.prefix}; numbers would collide. Use ${clash.prefix} itself or a prefix that does not start the same way.`,
    );
  }
  const first = await repo.reserveSerials(trx, input.tenantId, prefix, count);
  if (first + count - 1 >= 10 ** computeSerialLength(prefix)) {
    throw new AppError(
      'conflict',
      `Prefix ${prefix} has no room for ${count} more cards; use a shorter or a new prefix.`,
    );
  }
  const row = await repo.insertBatch(trx, {
    id: newId('cbt'),
    tenant_id: input.tenantId,
    prefix,
    first_serial: first,
    count,
    note: input.note,
  });
  return rowToBatch(row);
}

export async function getBatchOrThrow(db: DbOrTrx, tenantId: string, batchId: string): Promise<CardBatchRow> {
  const row = await repo.findBatch(db, tenantId, batchId);
  if (!row) throw new AppError('not_found', `Card batch '${batchId}' does not exist in this program.`);
  return row;
}

export async function listCardBatches(
  db: DbOrTrx,
  tenantId: string,
  opts: { limit: number; beforeId?: string | undefined },
) {
  const rows = await repo.listBatches(db, tenantId, opts);
  return { rows: rows.slice(0, opts.limit).map(rowToBatch), more: rows.length > opts.limit };
}
