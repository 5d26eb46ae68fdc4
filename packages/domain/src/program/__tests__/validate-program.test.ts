import { describe, expect, it } from 'vitest';
import { defaultProgram, mergeProgramPatch, type ProgramPatch, validateProgram } from '../index';

const problemsOf = (patch: unknown): string[] =>
  validateProgram(mergeProgramPatch(defaultProgram(), patch as ProgramPatch)).map((problem) => problem.field);

describe('defaultProgram', () => {
  it('is the contract example and valid', () => {
    const program = defaultProgram();
    expect(program).toMatchObject({
      currency: 'RUB',
      timezone: 'Europe/Moscow',
      pointValueMinor: 100,
      earn: {
        pointsPerUnit: '0.05',
        rounding: 'floor',
        base: 'paid',
        excludedCategories: [],
        pendingDays: 0,
        expiryDays: 365,
      },
      burn: { maxPercentOfReceipt: 30, excludedCategories: [] },
      refund: { policy: 'debt' },
      receipts: { maxDelayDays: 30 },
    });
    expect(validateProgram(program)).toEqual([]);
  });

  it('returns a fresh object every time', () => {
    expect(defaultProgram()).not.toBe(defaultProgram());
    expect(defaultProgram().earn.excludedCategories).not.toBe(defaultProgram().earn.excludedCategories);
  });
});

describe('validateProgram', () => {
  it.each([
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ currency: 'rub' }, 'currency'],
    [{ currency: 'RUBL' }, 'currency'],
    [{ timezone: 'Moscow' }, 'timezone'],
    [{ timezone: '+03:00' }, 'timezone'],
    [{ pointValueMinor: 0 }, 'pointValueMinor'],
    [{ pointValueMinor: 1.5 }, 'pointValueMinor'],
    [{ pointValueMinor: '100' }, 'pointValueMinor'],
    [{ earn: { pointsPerUnit: 0.05 } }, 'earn.pointsPerUnit'],
    [{ earn: { pointsPerUnit: '-0.05' } }, 'earn.pointsPerUnit'],
    [{ earn: { pointsPerUnit: '5e-2' } }, 'earn.pointsPerUnit'],
    [{ earn: { pointsPerUnit: '0,05' } }, 'earn.pointsPerUnit'],
    [{ earn: { rounding: 'round' } }, 'earn.rounding'],
    [{ earn: { base: 'net' } }, 'earn.base'],
    [{ earn: { excludedCategories: 'tobacco' } }, 'earn.excludedCategories'],
    [{ earn: { excludedCategories: [''] } }, 'earn.excludedCategories'],
    [{ earn: { pendingDays: -1 } }, 'earn.pendingDays'],
    [{ earn: { pendingDays: 1.5 } }, 'earn.pendingDays'],
    [{ earn: { expiryDays: -1 } }, 'earn.expiryDays'],
    [{ earn: { expiryDays: 100_000 } }, 'earn.expiryDays'],
    [{ burn: { maxPercentOfReceipt: 101 } }, 'burn.maxPercentOfReceipt'],
    [{ burn: { maxPercentOfReceipt: -1 } }, 'burn.maxPercentOfReceipt'],
    [{ burn: { maxPercentOfReceipt: 30.5 } }, 'burn.maxPercentOfReceipt'],
    [{ burn: { maxPercentOfReceipt: '30' } }, 'burn.maxPercentOfReceipt'],
    [{ burn: { excludedCategories: [1] } }, 'burn.excludedCategories'],
    [{ refund: { policy: 'forgive' } }, 'refund.policy'],
    [{ receipts: { maxDelayDays: -5 } }, 'receipts.maxDelayDays'],
    [{ earn: { pointsPerUnit: '1', bogus: true } }, 'earn.bogus'],
    [{ colour: 'red' }, 'colour'],
    [{ earn: 'fast' }, 'earn'],
  ])('%j is reported at %s', (patch, field) => {
    expect(problemsOf(patch)).toEqual([field]);
  });

  it.each([
    { earn: { pointsPerUnit: '2', rounding: 'half_up' } },
    { earn: { pointsPerUnit: '0', rounding: 'ceil', expiryDays: null } },
    { earn: { rounding: 'half_even', base: 'gross', pendingDays: 14, excludedCategories: ['tobacco'] } },
    { burn: { maxPercentOfReceipt: 0 } },
    { burn: { maxPercentOfReceipt: 100, excludedCategories: ['gift-cards'] } },
    { currency: 'JPY', timezone: 'Asia/Tokyo', pointValueMinor: 1 },
    { refund: { policy: 'clamp' }, receipts: { maxDelayDays: 0 } },
  ])('%j is valid', (patch) => {
    expect(problemsOf(patch)).toEqual([]);
  });

  it('lists every problem, with a sentence that says how to fix it', () => {
    const problems = validateProgram(
      mergeProgramPatch(defaultProgram(), {
        currency: 'rub',
        earn: { pointsPerUnit: 'abc', rounding: 'nope' as never },
      }),
    );
    expect(problems.map((problem) => problem.field)).toEqual([
      'currency',
      'earn.pointsPerUnit',
      'earn.rounding',
    ]);
    expect(problems[1]?.message).toMatch(/decimal string, like "0\.05"/);
  });

  it('reports missing fields and non-objects', () => {
    expect(validateProgram(null)).toEqual([{ field: '', message: expect.any(String) }]);
    const { refund: _refund, ...withoutRefund } = defaultProgram();
    expect(validateProgram(withoutRefund).map((problem) => problem.field)).toEqual(['refund']);
  });
});

describe('mergeProgramPatch', () => {
  it('merges nested objects and keeps the rest', () => {
    const merged = mergeProgramPatch(defaultProgram(), { earn: { pendingDays: 14 } });
    expect(merged.earn).toEqual({ ...defaultProgram().earn, pendingDays: 14 });
    expect(merged.burn).toEqual(defaultProgram().burn);
  });

  it('replaces arrays instead of merging them', () => {
    const base = mergeProgramPatch(defaultProgram(), {
      earn: { excludedCategories: ['tobacco', 'alcohol'] },
    });
    const merged = mergeProgramPatch(base, { earn: { excludedCategories: ['gift-cards'] } });
    expect(merged.earn.excludedCategories).toEqual(['gift-cards']);
  });

  it('null replaces (never-expiring points), undefined leaves alone', () => {
    const merged = mergeProgramPatch(defaultProgram(), {
      earn: { expiryDays: null, pendingDays: undefined },
    });
    expect(merged.earn.expiryDays).toBeNull();
    expect(merged.earn.pendingDays).toBe(0);
  });

  it('does not mutate its inputs', () => {
    const program = defaultProgram();
    const patch = { earn: { excludedCategories: ['x'] } };
    const merged = mergeProgramPatch(program, patch);
    expect(program).toEqual(defaultProgram());
    patch.earn.excludedCategories.push('y');
    expect(merged.earn.excludedCategories).toEqual(['x']);
    expect(patch).toEqual({ earn: { excludedCategories: ['x', 'y'] } });
  });

  it('ignores prototype-polluting keys from parsed JSON', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "earn": {"__proto__": {"polluted": true}}}');
    const merged = mergeProgramPatch(defaultProgram(), patch);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((merged as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect((merged.earn as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});
