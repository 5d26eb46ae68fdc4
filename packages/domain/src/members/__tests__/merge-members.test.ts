import { describe, expect, it } from 'vitest';
import {
  computeMergedConsents,
  computeMergedProfile,
  type MergeProfile,
  pickMergedTier,
} from '../merge-members';

const profile = (fields: Partial<MergeProfile> = {}): MergeProfile => ({
  phone: null,
  email: null,
  externalId: null,
  firstName: null,
  lastName: null,
  birthDate: null,
  tags: [],
  attributes: {},
  ...fields,
});

describe('computeMergedProfile', () => {
  it("keeps the survivor's values and fills only what it lacks", () => {
    const { profile: merged, filled } = computeMergedProfile(
      profile({
        phone: '+79160000001',
        firstName: 'Ivan',
        tags: ['vip'],
        attributes: { drink: 'latte', n: 1 },
      }),
      profile({
        phone: '+79160000002',
        email: 'ivan@example.com',
        firstName: 'Vanya',
        birthDate: '1990-01-02',
        tags: ['VIP', 'wholesale'],
        attributes: { drink: 'tea', city: 'Tver' },
      }),
    );
    expect(merged).toEqual({
      phone: '+79160000001',
      email: 'ivan@example.com',
      externalId: null,
      firstName: 'Ivan',
      lastName: null,
      birthDate: '1990-01-02',
      tags: ['vip', 'wholesale'],
      attributes: { drink: 'latte', n: 1, city: 'Tver' },
    });
    expect(filled).toEqual(['email', 'birthDate']);
  });

  it('caps the tag union at the tag limit', () => {
    const many = (p: string) => Array.from({ length: 40 }, (_, i) => `${p}${i}`);
    const { profile: merged } = computeMergedProfile(
      profile({ tags: many('a') }),
      profile({ tags: many('b') }),
    );
    expect(merged.tags).toHaveLength(50);
    expect(merged.tags[0]).toBe('a0');
  });
});

describe('computeMergedConsents', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 10, day));
  it('takes the newest decision per channel and purpose', () => {
    const survivor = [
      { channel: 'email', purpose: 'marketing', granted: true, updatedAt: at(10) },
      { channel: 'sms', purpose: 'marketing', granted: true, updatedAt: at(5) },
      { channel: 'any', purpose: 'personal_data', granted: true, updatedAt: at(3) },
    ];
    const duplicate = [
      { channel: 'email', purpose: 'marketing', granted: false, updatedAt: at(8) },
      { channel: 'sms', purpose: 'marketing', granted: false, updatedAt: at(7) },
      { channel: 'push', purpose: 'marketing', granted: true, updatedAt: at(1) },
      { channel: 'any', purpose: 'personal_data', granted: false, updatedAt: at(3) },
    ];
    expect(computeMergedConsents(survivor, duplicate).map((c) => [c.channel, c.granted])).toEqual([
      ['sms', false],
      ['push', true],
    ]);
  });
});

describe('pickMergedTier', () => {
  it.each([
    [0, 2, 'duplicate'],
    [2, 0, 'survivor'],
    [1, 1, 'survivor'],
    [-1, 0, 'duplicate'],
  ] as const)('survivor rank %i, duplicate rank %i -> %s', (s, d, expected) => {
    expect(pickMergedTier(s, d)).toBe(expected);
  });
});
