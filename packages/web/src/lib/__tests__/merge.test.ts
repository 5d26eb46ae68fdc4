import { describe, expect, it } from 'vitest';
import { mergeCandidates, mergeCounts, takenFields } from '../merge';
import type { Member, MergeResult } from '../types';

const member = (memberId: string, status: Member['status'] = 'active'): Member => ({
  memberId,
  cardNumber: null,
  phone: null,
  email: null,
  firstName: null,
  lastName: null,
  birthDate: null,
  externalId: null,
  status,
  statusReason: null,
  tags: [],
  createdAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-01T00:00:00Z',
});

const merged = (over: Partial<MergeResult['merged']> = {}): MergeResult['merged'] => ({
  duplicateMemberId: 'mbr_2',
  pointsMoved: { points: 0 },
  lotsMoved: 0,
  receiptsMoved: 0,
  cardsMoved: 0,
  consentsMoved: 0,
  ...over,
});

describe('member merge', () => {
  it('offers neither the member itself nor erased or merged ones as the duplicate', () => {
    const found = [
      member('mbr_1'),
      member('mbr_2'),
      member('mbr_3', 'anonymized'),
      member('mbr_4', 'merged'),
      member('mbr_5', 'blocked'),
    ];
    expect(mergeCandidates(found, 'mbr_1').map((m) => m.memberId)).toEqual(['mbr_2', 'mbr_5']);
  });

  it('lists what moved, leaving out what did not, debts included', () => {
    expect(
      mergeCounts(
        merged({ pointsMoved: { points: 350, status: 12 }, lotsMoved: 2, receiptsMoved: 3, cardsMoved: 1 }),
      ),
    ).toEqual([
      { what: 'points', count: 350 },
      { what: 'lots', count: 2 },
      { what: 'receipts', count: 3 },
      { what: 'cards', count: 1 },
    ]);
    expect(mergeCounts(merged({ pointsMoved: { points: -40 }, consentsMoved: 2, notesMoved: 1 }))).toEqual([
      { what: 'points', count: -40 },
      { what: 'consents', count: 2 },
      { what: 'notes', count: 1 },
    ]);
    expect(mergeCounts(merged({ pointsMoved: {} }))).toEqual([]);
  });

  it('names the profile fields taken from the duplicate that it knows', () => {
    expect(takenFields(merged({ fieldsTaken: ['email', 'tags', 'birthDate'] }))).toEqual([
      'email',
      'birthDate',
    ]);
    expect(takenFields(merged())).toEqual([]);
  });
});
