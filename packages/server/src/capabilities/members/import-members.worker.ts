import { parentPort, workerData } from 'node:worker_threads';
import { parse } from 'csv-parse/sync';
import {
  copyValue,
  createRowStager,
  type StagingSetup,
  takeLine,
  toConsentCopyLines,
  toCopyLine,
  toMemberCopyLine,
} from './import-member-rows';

// A parse worker of `kopilka import members` (import-members-parallel.ts): gets blocks of whole CSV
// records with the line the block starts on and answers, in `staging` mode, with the block's COPY
// text for the staging table, or, in `direct` mode (the bulk load, import-members-bulk.ts), with
// each good row's identifiers and its `member` and consent COPY lines. Validation and member ids
// are the importing thread's code.

export type WorkerSetup = Omit<StagingSetup, 'today'> & {
  today: string;
  tenantId: string;
  importId: string;
  mode: 'staging' | 'direct';
};
/** `skipHeader`: the block starts with the header record (the file's first block). */
export type BlockRequest = { seq: number; text: string; firstLine: number; skipHeader: boolean };
/**
 * A block's good rows for the bulk load, column-wise and as bytes (handed over between threads
 * without copying): their identifiers for the duplicate checks, and their COPY text with each
 * row's end offset, so the importing thread can leave a row out by slicing.
 */
export type AcceptedRows = {
  lines: number[];
  phone: (string | null)[];
  /** lower-cased, as the unique index compares */
  email: (string | null)[];
  externalId: (string | null)[];
  cardNumber: (string | null)[];
  /** the given card number is a virtual number of another Kopilka */
  foreignVirtual: boolean[];
  member: Uint8Array;
  memberEnds: Int32Array;
  /** `member_card` lines; a row without a card has 13 spaces where its virtual number goes */
  card: Uint8Array;
  cardEnds: Int32Array;
  /** where the row's virtual number goes in `card`, or -1 (the row has a card number) */
  cardNumberAt: Int32Array;
  consent: Uint8Array;
  consentEnds: Int32Array;
  event: Uint8Array;
  eventEnds: Int32Array;
  consents: number[];
};
export type BlockResult =
  | {
      seq: number;
      rows: number;
      invalid: { line: number; reason: string }[];
      copy: string;
      accepted: AcceptedRows | null;
    }
  | { seq: number; error: string };

const setup = workerData as WorkerSetup;
const stage = createRowStager({ ...setup, today: new Date(setup.today) });
const nowIso = setup.today;
/** Where a virtual card number (EAN-13) is written in by the importing thread. */
const VIRTUAL_PLACEHOLDER = ' '.repeat(13);

parentPort?.on('message', (block: BlockRequest) => {
  try {
    const records = parse(block.text, { delimiter: [',', ';'], relax_column_count: true }) as string[][];
    const counter = { next: block.firstLine };
    const invalid: { line: number; reason: string }[] = [];
    const direct = setup.mode === 'direct';
    const text = { member: '', card: '', consent: '', event: '' };
    const bytes = { member: 0, card: 0, consent: 0, event: 0 };
    const ends = {
      member: [] as number[],
      card: [] as number[],
      consent: [] as number[],
      event: [] as number[],
    };
    const append = (part: keyof typeof text, line: string) => {
      text[part] += line;
      bytes[part] += Buffer.byteLength(line);
      ends[part].push(bytes[part]);
    };
    const cardNumberAt: number[] = [];
    const a = {
      lines: [] as number[],
      phone: [] as (string | null)[],
      email: [] as (string | null)[],
      externalId: [] as (string | null)[],
      cardNumber: [] as (string | null)[],
      foreignVirtual: [] as boolean[],
      consents: [] as number[],
    };
    const tenant = `${copyValue(setup.tenantId)}\t`;
    let copy = '';
    let rows = 0;
    let skip = block.skipHeader;
    for (const record of records) {
      const line = takeLine(record, counter);
      if (line === undefined) continue;
      if (skip) {
        skip = false;
        continue;
      }
      rows++;
      const row = stage(record, line);
      if (typeof row === 'string') invalid.push({ line, reason: row });
      else if (!direct) copy += toCopyLine(setup.tenantId, setup.importId, row);
      else {
        const consent = toConsentCopyLines(setup.tenantId, setup.importId, nowIso, row);
        a.lines.push(line);
        a.phone.push(row.phone);
        a.email.push(row.email === null ? null : row.email.toLowerCase());
        a.externalId.push(row.externalId);
        a.cardNumber.push(row.cardNumber);
        a.foreignVirtual.push(row.cardNumber !== null && row.cardKind === 'virtual');
        a.consents.push(consent.count);
        append('member', toMemberCopyLine(setup.tenantId, nowIso, row));
        cardNumberAt.push(row.cardNumber === null ? bytes.card + Buffer.byteLength(tenant) : -1);
        append(
          'card',
          `${tenant}${row.cardNumber === null ? VIRTUAL_PLACEHOLDER : copyValue(row.cardNumber)}\t${copyValue(row.memberId)}\t${row.cardKind}\tactive\t${copyValue(row.batchId)}\t${nowIso}\n`,
        );
        append('consent', consent.consents);
        append('event', consent.events);
      }
    }
    if (!direct) {
      parentPort?.postMessage({ seq: block.seq, rows, invalid, copy, accepted: null } satisfies BlockResult);
      return;
    }
    const encoder = new TextEncoder();
    const accepted: AcceptedRows = {
      ...a,
      member: encoder.encode(text.member),
      memberEnds: Int32Array.from(ends.member),
      card: encoder.encode(text.card),
      cardEnds: Int32Array.from(ends.card),
      cardNumberAt: Int32Array.from(cardNumberAt),
      consent: encoder.encode(text.consent),
      consentEnds: Int32Array.from(ends.consent),
      event: encoder.encode(text.event),
      eventEnds: Int32Array.from(ends.event),
    };
    parentPort?.postMessage({ seq: block.seq, rows, invalid, copy, accepted } satisfies BlockResult, [
      accepted.member.buffer,
      accepted.card.buffer,
      accepted.consent.buffer,
      accepted.event.buffer,
    ] as ArrayBuffer[]);
  } catch (err) {
    parentPort?.postMessage({
      seq: block.seq,
      error: err instanceof Error ? err.message : String(err),
    } satisfies BlockResult);
  }
});
