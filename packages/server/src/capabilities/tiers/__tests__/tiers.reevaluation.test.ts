import {
  computeQualifyingWindow,
  decideTierMovement,
  findQualifiedTier,
  type MemberTierState,
  type TierLadder,
} from '@kopilka/domain/tiers';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../platform/db';
import { describeEachEngine } from '../../../testing/engines';
import { createTenant } from '../../tenants/tenants.service';
import { reevaluateTenantTiers } from '../tiers.jobs';

const AT = new Date('2026-11-22T10:00:00Z');
const DAY = 86_400_000;
const LADDER: TierLadder = {
  windowDays: 365,
  graceDays: 10,
  minStayDays: 30,
  tiers: [
    { code: 'silver', name: 'Silver', qualifyingSpendMinor: 0, discountPercent: '5', earnMultiplier: '1' },
    {
      code: 'gold',
      name: 'Gold',
      qualifyingSpendMinor: 3_000_000,
      discountPercent: '10',
      earnMultiplier: '1.5',
    },
    {
      code: 'platinum',
      name: 'Platinum',
      qualifyingSpendMinor: 10_000_000,
      discountPercent: '15',
      earnMultiplier: '2',
    },
  ],
};

type Case = {
  receipts: { daysAgo: number; paid: number; refunded: boolean }[];
  state: (MemberTierState & { needsReview: boolean }) | null;
};

const dayOffset = (days: number) => new Date(AT.getTime() + days * DAY);
const arbDate = fc.integer({ min: -60, max: 60 }).map(dayOffset);
const arbCase: fc.Arbitrary<Case> = fc.record({
  receipts: fc.array(
    fc.record({
      daysAgo: fc.integer({ min: 0, max: 400 }),
      paid: fc.integer({ min: 0, max: 6_000_000 }),
      refunded: fc.boolean(),
    }),
    { maxLength: 5 },
  ),
  state: fc.option(
    fc.record({
      code: fc.constantFrom('silver', 'gold', 'platinum', 'bronze'),
      source: fc.constantFrom('auto' as const, 'override' as const),
      since: fc.integer({ min: -90, max: 0 }).map(dayOffset),
      overrideUntil: fc.option(arbDate, { nil: null }),
      overrideReason: fc.constant('test'),
      graceUntil: fc.option(arbDate, { nil: null }),
      needsReview: fc.boolean(),
    }),
    { nil: null },
  ),
});

// The batch job's SQL must make exactly the movements of the domain's decideTierMovement.
describeEachEngine('tier re-evaluation job agrees with the domain rules', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('for random members, states and receipts', async () => {
    const cases = fc.sample(arbCase, { numRuns: 300, seed: 20261122 });
    const db = handle.db;
    const tenantId = (await createTenant(db, { name: 'Re-evaluation', slug: 'reeval' })).id;
    await db
      .insertInto('tier_ladder')
      .values({
        tenant_id: tenantId,
        settings: JSON.stringify(LADDER),
        version: 1,
        updated_at: AT,
        updated_by: null,
        last_full_run_at: null,
      })
      .execute();
    const memberId = (i: number) => `mbr_${String(i).padStart(4, '0')}`;
    await db
      .insertInto('member')
      .values(cases.map((_, i) => ({ id: memberId(i), tenant_id: tenantId, external_id: `e${i}` })))
      .execute();
    const receiptRows = cases.flatMap((c, i) =>
      c.receipts.map((r, j) => ({
        tenant_id: tenantId,
        id: `rcp_${i}_${j}`,
        member_id: memberId(i),
        status: r.refunded ? ('refunded' as const) : ('confirmed' as const),
        occurred_at: dayOffset(-r.daysAgo),
        confirmed_at: dayOffset(-r.daysAgo),
        currency: 'RUB',
        program_version: 0,
        amount_minor: r.paid,
        discount_minor: 0,
        points_spent: 0,
        points_spent_minor: 0,
        payable_minor: r.paid,
        points_earned: 0,
        refunded_amount_minor: r.refunded ? r.paid : 0,
        earn_lot_id: null,
        spend_allocation: sql`'[]'::jsonb`,
        effects: sql`'[]'::jsonb`,
        coupons: sql`'[]'::jsonb`,
        earn: sql`'{}'::jsonb`,
        operation_id: 'op_test',
      })),
    );
    if (receiptRows.length > 0) await db.insertInto('receipt').values(receiptRows).execute();
    const tierRows = cases.flatMap((c, i) =>
      c.state
        ? [
            {
              tenant_id: tenantId,
              member_id: memberId(i),
              tier_code: c.state.code,
              source: c.state.source,
              since: c.state.since,
              override_until: c.state.source === 'override' ? c.state.overrideUntil : null,
              override_reason: c.state.source === 'override' ? c.state.overrideReason : null,
              grace_until: c.state.graceUntil,
              needs_review: c.state.needsReview,
              updated_at: AT,
            },
          ]
        : [],
    );
    if (tierRows.length > 0) await db.insertInto('member_tier').values(tierRows).execute();

    const result = await reevaluateTenantTiers(db, tenantId, LADDER, AT, {
      forceFullPass: true,
      batchSize: 64,
    });
    expect(result.members).toBe(cases.length);

    const stored = new Map(
      (await db.selectFrom('member_tier').selectAll().where('tenant_id', '=', tenantId).execute()).map(
        (r) => [r.member_id, r],
      ),
    );
    const from = computeQualifyingWindow(LADDER, AT, 'Europe/Moscow').from!;
    let moved = 0;
    const reasons = new Set<string>();
    cases.forEach((c, i) => {
      const metric = c.receipts
        .filter((r) => dayOffset(-r.daysAgo) >= from && !r.refunded)
        .reduce((sum, r) => sum + r.paid, 0);
      const current: MemberTierState | null = c.state
        ? {
            ...c.state,
            overrideUntil: c.state.source === 'override' ? c.state.overrideUntil : null,
            overrideReason: c.state.source === 'override' ? 'test' : null,
          }
        : null;
      const move = decideTierMovement({
        ladder: LADDER,
        current,
        qualifiedCode: findQualifiedTier(LADDER, metric)!.code,
        at: AT,
        timeZone: 'Europe/Moscow',
        trigger: 'reevaluation',
      });
      const expected = move.next ?? current;
      if (move.fromCode !== move.toCode) moved++;
      reasons.add(move.reason);
      const row = stored.get(memberId(i));
      const actual = row
        ? {
            code: row.tier_code,
            source: row.source,
            since: row.since,
            overrideUntil: row.override_until,
            graceUntil: row.grace_until,
            needsReview: row.needs_review,
          }
        : null;
      const want = expected
        ? {
            code: expected.code,
            source: expected.source,
            since: expected.since,
            overrideUntil: expected.overrideUntil,
            graceUntil: expected.graceUntil,
            needsReview: false,
          }
        : null;
      expect(actual, `member ${i}: ${JSON.stringify({ metric, state: c.state, move })}`).toEqual(want);
    });
    expect(result.moved).toBe(moved);
    // Every rule was exercised.
    expect([...reasons].sort()).toEqual([
      'downgrade',
      'grace_cleared',
      'grace_started',
      'ladder_changed',
      'override_expired',
      'unchanged',
      'upgrade',
    ]);
    const history = await db
      .selectFrom('member_tier_history')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('reason', '<>', 'grace_started')
      .executeTakeFirstOrThrow();
    expect(Number(history.n)).toBe(moved);
  });
});
