import { describe, expect, it } from 'vitest';
import { describePattern, emptySeriesForm, type SeriesFormValues, toSeriesBody } from '../coupon-series-form';

const form = (over: Partial<SeriesFormValues> = {}): SeriesFormValues => ({
  ...emptySeriesForm(),
  name: 'Flyers',
  ...over,
});

describe('new coupon series form', () => {
  it('sends a unique series with its pattern in capitals and the count', () => {
    expect(toSeriesBody(form({ pattern: 'cafe-xxxx-xxxx', count: 5000 }))).toEqual({
      body: { name: 'Flyers', kind: 'unique', pattern: 'CAFE-XXXX-XXXX', count: 5000 },
      problems: [],
    });
  });

  it.each([
    ['no name', { name: ' ' }, [{ field: 'name', problem: 'required' }]],
    ['a pattern without random slots', { pattern: 'CAFE' }, [{ field: 'pattern', problem: 'pattern' }]],
    [
      'a character the codes may not hold',
      { pattern: 'CAFE_XXXX' },
      [{ field: 'pattern', problem: 'pattern' }],
    ],
    ['more than a million codes', { count: 1_000_001 }, [{ field: 'count', problem: 'count' }]],
    ['a fraction of a code', { count: 2.5 }, [{ field: 'count', problem: 'count' }]],
    // 31^4 = 923,521 possible codes; 1,000 codes need 1,000,000 (1,000 times more than asked).
    [
      'too few random slots for the count',
      { pattern: 'XXXX', count: 1000 },
      [{ field: 'pattern', problem: 'capacity' }],
    ],
    [
      'an end before the start',
      { startsAt: '2026-12-01T10:00', endsAt: '2026-11-01T10:00' },
      [{ field: 'endsAt', problem: 'order' }],
    ],
    ['uses per code of zero', { usesPerCode: 0 }, [{ field: 'usesPerCode', problem: 'invalid' }]],
  ] as const)('reports %s', (_name, over, problems) => {
    expect(toSeriesBody(form(over as Partial<SeriesFormValues>)).problems).toEqual(problems);
  });

  it('sends a shared code with unlimited uses unless told, and no pattern or count', () => {
    expect(toSeriesBody(form({ kind: 'shared', code: 'AUTUMN10', count: 7 }))).toEqual({
      body: { name: 'Flyers', kind: 'shared', code: 'AUTUMN10' },
      problems: [],
    });
    expect(toSeriesBody(form({ kind: 'shared', code: 'OSEN 10' })).problems).toEqual([
      { field: 'code', problem: 'invalid' },
    ]);
  });

  it('sends personal coupons with their validity and needs a roomy pattern', () => {
    expect(
      toSeriesBody(form({ kind: 'personal', pattern: 'XXXX-XXXX-XXXX', validDays: 30, usesPerMember: '1' })),
    ).toEqual({
      body: { name: 'Flyers', kind: 'personal', pattern: 'XXXX-XXXX-XXXX', usesPerMember: 1, validDays: 30 },
      problems: [],
    });
    expect(toSeriesBody(form({ kind: 'personal', pattern: 'XXXX' })).problems).toEqual([
      { field: 'pattern', problem: 'capacity' },
    ]);
  });

  it('tells how many codes a pattern allows', () => {
    expect(describePattern('a-##')).toEqual({ ok: true, capacity: 100n });
    expect(describePattern('')).toEqual({ ok: false });
  });
});
