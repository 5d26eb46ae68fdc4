import { describe, expect, it } from 'vitest';
import { calculateReceipt } from '../index';
import {
  calculate,
  campaign,
  figures,
  GOLD,
  input,
  member,
  program,
  receipt,
  SILVER,
  SUNDAY,
} from './factories';

describe('calculateReceipt: the contract example', () => {
  it('a 400 ₽ latte at 0.05 earns 20 points; with 120 points the cap is 120', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ sku: 'LATTE', category: 'coffee', quantity: 2, amountMinor: 40000 }] }),
      member: member({ availablePoints: 120 }),
    });
    expect(result.totals).toEqual({
      amountMinor: 40000,
      discountMinor: 0,
      pointsSpent: 0,
      pointsSpentMinor: 0,
      payableMinor: 40000,
      pointsEarned: 20,
      maxPointsToSpend: 120,
    });
    expect(result.lines).toEqual([
      expect.objectContaining({
        lineId: '1',
        amountMinor: 40000,
        discountMinor: 0,
        pointsSpent: 0,
        pointsSpentMinor: 0,
        payableMinor: 40000,
        pointsEarned: 20,
        quantity: '2',
        quantityMilli: 2000,
      }),
    ]);
    expect(result.effects).toEqual([]);
    expect(result.earn).toEqual({
      points: 20,
      ratePoints: 20,
      bonusPoints: 0,
      activatesAt: SUNDAY,
      expiresAt: new Date('2027-11-22T10:15:00Z'),
    });
  });
});

describe('earning', () => {
  it.each([
    { rounding: 'floor', points: 19 },
    { rounding: 'ceil', points: 20 },
    { rounding: 'half_up', points: 20 },
    { rounding: 'half_even', points: 20 },
  ] as const)('399.99 ₽ × 0.05 = 19.9995 rounds to $points with $rounding', ({ rounding, points }) => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 39999 }] }),
      program: program({ earn: { rounding } }),
    });
    expect(result.totals.pointsEarned).toBe(points);
  });

  it('rounds the receipt sum once, not each line: two lines of 10.5 points earn 21, split 11/10', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 21000 }, { amountMinor: 21000 }] }),
    });
    expect(result.totals.pointsEarned).toBe(21);
    expect(result.lines.map((l) => l.pointsEarned)).toEqual([11, 10]);
  });

  it('pointsPerUnit is per major unit: JPY has no minor unit', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 1000 }] }),
      program: program({ currency: 'JPY', pointValueMinor: 1, earn: { pointsPerUnit: '0.01' } }),
    });
    expect(result.totals.pointsEarned).toBe(10);
  });

  it('"2" points per rouble', () => {
    const result = calculate({ program: program({ earn: { pointsPerUnit: '2' } }) });
    expect(result.totals.pointsEarned).toBe(800);
  });

  it('paid base excludes discounts and points payment; gross base does not', () => {
    const common = {
      receipt: receipt({ lines: [{ amountMinor: 40000 }], pointsToSpend: 100 }),
      member: member({ availablePoints: 1000, tier: SILVER }),
    };
    // 40000 − 2000 discount − 10000 points = 28000 → 14 points
    expect(calculate({ ...common, program: program({ earn: { base: 'paid' } }) }).totals.pointsEarned).toBe(
      14,
    );
    expect(calculate({ ...common, program: program({ earn: { base: 'gross' } }) }).totals.pointsEarned).toBe(
      20,
    );
  });

  it('earn.excludedCategories are left out of the base', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { category: 'coffee', amountMinor: 40000 },
          { category: 'tobacco', amountMinor: 60000 },
        ],
      }),
      program: program({ earn: { excludedCategories: ['tobacco'] } }),
    });
    expect(result.lines.map((l) => l.pointsEarned)).toEqual([20, 0]);
  });

  it('activation and expiry follow local days in the program time zone', () => {
    const result = calculate({
      receipt: receipt({ occurredAt: new Date('2026-03-20T10:00:00Z') }),
      program: program({ timezone: 'Europe/Berlin', earn: { pendingDays: 14, expiryDays: 30 } }),
    });
    // 11:00 CET on 20 March → 11:00 CEST on 3 April → 11:00 CEST on 3 May
    expect(result.earn.activatesAt).toEqual(new Date('2026-04-03T09:00:00Z'));
    expect(result.earn.expiresAt).toEqual(new Date('2026-05-03T09:00:00Z'));
  });

  it('expiryDays null: points never expire', () => {
    expect(calculate({ program: program({ earn: { expiryDays: null } }) }).earn.expiresAt).toBeNull();
  });
});

describe('tiers', () => {
  it.each([
    // 40000 − 5 % = 38000 → 19 points; 40000 − 10 % = 36000 × 0.05 × 1.5 = 27 points
    { tier: SILVER, discountMinor: 2000, payableMinor: 38000, pointsEarned: 19 },
    { tier: GOLD, discountMinor: 4000, payableMinor: 36000, pointsEarned: 27 },
    { tier: null, discountMinor: 0, payableMinor: 40000, pointsEarned: 20 },
  ])('$tier.code', ({ tier, discountMinor, payableMinor, pointsEarned }) => {
    const result = calculate({ member: member({ tier }) });
    expect(result.totals).toMatchObject({ discountMinor, payableMinor, pointsEarned });
  });

  it('reports tier effects with campaignId null and the tier code, in English and Russian', () => {
    const result = calculate({ member: member({ tier: GOLD }) });
    expect(result.effects).toEqual([
      {
        campaignId: null,
        tierCode: 'gold',
        source: 'tier',
        kind: 'discount_percent',
        description: 'Gold tier: 10% off',
        descriptionRu: 'Уровень «Gold»: скидка 10%',
        lineIds: ['1'],
        percent: '10',
        discountMinor: 4000,
      },
      {
        campaignId: null,
        tierCode: 'gold',
        source: 'tier',
        kind: 'earn_multiplier',
        description: 'Gold tier: points ×1.5',
        descriptionRu: 'Уровень «Gold»: баллы ×1,5',
        lineIds: ['1'],
        multiplier: '1.5',
      },
    ]);
    expect(result.appliedCampaignIds).toEqual([]);
  });

  it.each([
    { amountMinor: 10, discountMinor: 1, why: '0.5 → 1' },
    { amountMinor: 30, discountMinor: 2, why: '1.5 → 2' },
    { amountMinor: 50, discountMinor: 3, why: '2.5 → 3' },
    { amountMinor: 90, discountMinor: 5, why: '4.5 → 5 (half up, not half even)' },
    { amountMinor: 49, discountMinor: 2, why: '2.45 → 2' },
    { amountMinor: 0, discountMinor: 0, why: 'a free line' },
  ])('line discount rounds half up: 5 % of $amountMinor is $why', ({ amountMinor, discountMinor }) => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor }] }),
      member: member({ tier: SILVER }),
    });
    expect(result.lines[0]?.discountMinor).toBe(discountMinor);
  });

  it('rounds each line on its own amount', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 50 }, { amountMinor: 50 }, { amountMinor: 50 }] }),
      member: member({ tier: SILVER }),
    });
    expect(result.lines.map((l) => l.discountMinor)).toEqual([3, 3, 3]);
    expect(result.totals.discountMinor).toBe(9);
  });
});

describe('points payment', () => {
  it('calculate clamps the request to the cap and reports it', () => {
    const result = calculate({
      receipt: receipt({ pointsToSpend: 500 }),
      member: member({ availablePoints: 1000 }),
    });
    // 30 % of 400 ₽ = 120 points
    expect(result.totals).toMatchObject({
      maxPointsToSpend: 120,
      pointsSpent: 120,
      pointsSpentMinor: 12000,
      payableMinor: 28000,
      pointsEarned: 14,
    });
    expect(result.spend).toEqual({ requested: 500, applied: 120, maxByRules: 120, available: 1000 });
    expect(result.spendRequested).toBe(500);
  });

  it('the balance caps too', () => {
    const result = calculate({
      receipt: receipt({ pointsToSpend: 100 }),
      member: member({ availablePoints: 50 }),
    });
    expect(result.totals).toMatchObject({ maxPointsToSpend: 50, pointsSpent: 50, pointsSpentMinor: 5000 });
  });

  it('a negative balance (debt) allows no spending', () => {
    const result = calculate({
      receipt: receipt({ pointsToSpend: 10 }),
      member: member({ availablePoints: -30 }),
    });
    expect(result.totals).toMatchObject({ maxPointsToSpend: 0, pointsSpent: 0 });
    expect(result.spend.available).toBe(0);
  });

  it('the cap base is after discounts', () => {
    const result = calculate({
      receipt: receipt({ pointsToSpend: 999 }),
      member: member({ availablePoints: 999, tier: GOLD }),
    });
    // 30 % of 360 ₽ = 108 points
    expect(result.totals.maxPointsToSpend).toBe(108);
  });

  it("a tier's maxPointsPercent replaces the program's share, up or down", () => {
    const spendAll = (maxPointsPercent: number | null) =>
      calculate({
        receipt: receipt({ pointsToSpend: 999 }),
        member: member({ availablePoints: 999, tier: { ...SILVER, discountPercent: '0', maxPointsPercent } }),
      }).totals.maxPointsToSpend;
    // 400 ₽ receipt, 1 point = 1 ₽: the program's 30 % allows 120
    expect(spendAll(null)).toBe(120);
    expect(spendAll(50)).toBe(200);
    expect(spendAll(10)).toBe(40);
    expect(spendAll(0)).toBe(0);
  });

  it('a tier maxPointsPercent outside 0–100 is a configuration problem', () => {
    const result = calculateReceipt(input({ member: member({ tier: { ...GOLD, maxPointsPercent: 101 } }) }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.field)).toEqual(['member.tier.maxPointsPercent']);
  });

  it('cap is floored to whole points', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 33333 }], pointsToSpend: 999 }),
      member: member({ availablePoints: 999 }),
    });
    // 33333 × 30 % = 9999.9 kopecks = 99.999 points → 99
    expect(result.totals.maxPointsToSpend).toBe(99);
  });

  it('burn.excludedCategories are outside the cap base and pay nothing with points', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { category: 'coffee', amountMinor: 30000 },
          { category: 'tobacco', amountMinor: 10000 },
        ],
        pointsToSpend: 999,
      }),
      member: member({ availablePoints: 999 }),
      program: program({ burn: { excludedCategories: ['tobacco'] } }),
    });
    expect(result.totals.maxPointsToSpend).toBe(90);
    expect(figures(result)).toEqual([
      { discountMinor: 0, pointsSpent: 90, pointsSpentMinor: 9000, payableMinor: 21000, pointsEarned: 10 },
      { discountMinor: 0, pointsSpent: 0, pointsSpentMinor: 0, payableMinor: 10000, pointsEarned: 5 },
    ]);
  });

  it('splits the money by amount after discounts, then the points by money', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { category: 'coffee', amountMinor: 30000 },
          { category: 'food', amountMinor: 10000 },
        ],
        pointsToSpend: 100,
      }),
      member: member({ availablePoints: 100 }),
    });
    expect(result.lines.map((l) => [l.pointsSpentMinor, l.pointsSpent])).toEqual([
      [7500, 75],
      [2500, 25],
    ]);
  });

  it('ties in the split go to the earlier line', () => {
    const result = calculate({
      receipt: receipt({
        lines: [{ amountMinor: 1000 }, { amountMinor: 1000 }, { amountMinor: 1000 }],
        pointsToSpend: 1,
      }),
      member: member({ availablePoints: 1 }),
      program: program({ pointValueMinor: 100, burn: { maxPercentOfReceipt: 100 } }),
    });
    // 100 kopecks over three equal lines: 34 / 33 / 33; one point goes to the first line.
    expect(result.lines.map((l) => [l.pointsSpentMinor, l.pointsSpent])).toEqual([
      [34, 1],
      [33, 0],
      [33, 0],
    ]);
  });

  it('maxPercentOfReceipt 100 can pay a whole receipt; payable is then zero', () => {
    const result = calculate({
      receipt: receipt({ pointsToSpend: 400 }),
      member: member({ availablePoints: 1000 }),
      program: program({ burn: { maxPercentOfReceipt: 100 } }),
    });
    expect(result.totals).toMatchObject({ pointsSpent: 400, payableMinor: 0, pointsEarned: 0 });
  });
});

describe('anonymous receipts', () => {
  it('earn nothing, cannot spend, get no tier discount, but campaign discounts apply', () => {
    const result = calculate({
      member: null,
      receipt: receipt({ pointsToSpend: 50 }),
      campaigns: [
        campaign({
          campaignId: 'cmp_sale',
          name: 'Sale',
          effect: { type: 'discount_percent', percent: '20' },
        }),
        campaign({ campaignId: 'cmp_x2', effect: { type: 'earn_multiplier', multiplier: '2' } }),
        campaign({ campaignId: 'cmp_bonus', effect: { type: 'bonus_points', points: 50 } }),
      ],
    });
    expect(result.memberId).toBeNull();
    expect(result.totals).toEqual({
      amountMinor: 40000,
      discountMinor: 8000,
      pointsSpent: 0,
      pointsSpentMinor: 0,
      payableMinor: 32000,
      pointsEarned: 0,
      maxPointsToSpend: 0,
    });
    expect(result.effects.map((effect) => effect.campaignId)).toEqual(['cmp_sale']);
  });
});

describe('input problems come back typed', () => {
  it.each([
    [{ lines: [{ lineId: '1' }, { lineId: '1' }] }, 'duplicate_line_id', 'receipt.lines[1].lineId'],
    [{ lines: [{ lineId: 'bad id' }] }, 'invalid_line_id', 'receipt.lines[0].lineId'],
    [{ lines: [{ quantity: '1.2345' }] }, 'invalid_quantity', 'receipt.lines[0].quantity'],
    [{ lines: [{ quantity: 0.1 + 0.2 }] }, 'invalid_quantity', 'receipt.lines[0].quantity'],
    [{ lines: [{ quantity: '1e3' }] }, 'invalid_quantity', 'receipt.lines[0].quantity'],
    [{ lines: [{ quantity: 0 }] }, 'invalid_quantity', 'receipt.lines[0].quantity'],
    [{ lines: [{ quantity: -1 }] }, 'invalid_quantity', 'receipt.lines[0].quantity'],
    [{ lines: [{ quantity: Number.NaN }] }, 'invalid_quantity', 'receipt.lines[0].quantity'],
    [{ lines: [{ amountMinor: -1 }] }, 'invalid_amount', 'receipt.lines[0].amountMinor'],
    [{ lines: [{ amountMinor: 10.5 }] }, 'invalid_amount', 'receipt.lines[0].amountMinor'],
    [
      { lines: [{ amountMinor: Number.MAX_SAFE_INTEGER }, { amountMinor: Number.MAX_SAFE_INTEGER }] },
      'amount_too_large',
      'receipt.lines',
    ],
    [{ lines: [] }, 'no_lines', 'receipt.lines'],
    [{ pointsToSpend: -1 }, 'invalid_points_to_spend', 'receipt.pointsToSpend'],
    [{ pointsToSpend: 1.5 }, 'invalid_points_to_spend', 'receipt.pointsToSpend'],
    [{ coupons: [''] }, 'invalid_coupons', 'receipt.coupons'],
    [{ receiptId: '' }, 'invalid_receipt_id', 'receipt.receiptId'],
    [{ occurredAt: new Date(Number.NaN) }, 'invalid_occurred_at', 'receipt.occurredAt'],
  ] as const)('%j -> %s', (overrides, code, field) => {
    const result = calculateReceipt(input({ receipt: receipt(overrides as Parameters<typeof receipt>[0]) }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([{ code, field, message: expect.any(String) }]);
  });

  it('accepts quantities as numbers or strings with up to 3 decimals', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ quantity: 0.125 }, { quantity: '2.5' }, { quantity: '1.000' }] }),
    });
    expect(result.lines.map((l) => [l.quantity, l.quantityMilli])).toEqual([
      ['0.125', 125],
      ['2.5', 2500],
      ['1', 1000],
    ]);
  });

  it('missing occurredAt defaults to now', () => {
    const now = new Date('2026-11-23T08:00:00Z');
    expect(calculate({ receipt: receipt({ occurredAt: undefined }), now }).occurredAt).toEqual(now);
  });

  it('bad configuration is reported as such, not as bad input', () => {
    const result = calculateReceipt(
      input({
        program: program({ earn: { pointsPerUnit: '5%' } }),
        member: member({ tier: { ...GOLD, discountPercent: '120' } }),
        campaigns: [campaign({ effect: { type: 'earn_multiplier', multiplier: '-1' } })],
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => [p.code, p.field])).toEqual([
        ['invalid_configuration', 'program.earn.pointsPerUnit'],
        ['invalid_configuration', 'member.tier.discountPercent'],
        ['invalid_configuration', 'campaigns[cmp_1].effect.multiplier'],
      ]);
    }
  });

  it('is deterministic', () => {
    const args = input({
      receipt: receipt({
        lines: [{ amountMinor: 12345 }, { amountMinor: 6789, category: 'food' }],
        pointsToSpend: 7,
      }),
      member: member({ availablePoints: 10, tier: GOLD }),
      campaigns: [campaign()],
    });
    expect(calculateReceipt(args)).toEqual(calculateReceipt(args));
  });
});

describe('hostile input never throws', () => {
  it('reports garbage instead of crashing', () => {
    const garbage = {
      receiptId: 42,
      occurredAt: '2026-11-22',
      lines: [null, { lineId: 'a', sku: 1, category: null, quantity: {}, amountMinor: '5' }],
      coupons: 'X',
      pointsToSpend: '10',
    } as unknown as Parameters<typeof calculateReceipt>[0]['receipt'];
    const result = calculateReceipt(input({ receipt: garbage }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => p.code)).toEqual([
        'invalid_receipt_id',
        'invalid_occurred_at',
        'invalid_line_text',
        'invalid_line_text',
        'invalid_line_text',
        'invalid_quantity',
        'invalid_amount',
        'invalid_coupons',
        'invalid_points_to_spend',
      ]);
    }
  });
});
