import type { Member, MergeResult } from './types';

// Member merge in the console: who may be picked as the duplicate, and what the result says.

/** Search results that may be merged into `survivorId`: not itself, not erased, not merged already. */
export function mergeCandidates(items: readonly Member[], survivorId: string): Member[] {
  return items.filter((m) => m.memberId !== survivorId && m.status !== 'anonymized' && m.status !== 'merged');
}

export type MergeCount = 'points' | 'lots' | 'receipts' | 'cards' | 'consents' | 'notes';

/** The non-zero counts of a merge, in the order a person reads them. */
export function mergeCounts(merged: MergeResult['merged']): { what: MergeCount; count: number }[] {
  const all: { what: MergeCount; count: number }[] = [
    { what: 'points', count: merged.pointsMoved.points ?? 0 },
    { what: 'lots', count: merged.lotsMoved },
    { what: 'receipts', count: merged.receiptsMoved },
    { what: 'cards', count: merged.cardsMoved },
    { what: 'consents', count: merged.consentsMoved },
    { what: 'notes', count: merged.notesMoved ?? 0 },
  ];
  return all.filter((c) => c.count !== 0);
}

const FIELDS = ['phone', 'email', 'externalId', 'firstName', 'lastName', 'birthDate'] as const;
export type MergeField = (typeof FIELDS)[number];

/** Profile fields the survivor took from the duplicate, the ones the app can name. */
export function takenFields(merged: MergeResult['merged']): MergeField[] {
  return (merged.fieldsTaken ?? []).filter((f): f is MergeField => (FIELDS as readonly string[]).includes(f));
}
