import { describe, expect, it } from 'vitest';
import { addSample, computeProgress, splitSeconds } from '../progress';
import { simulateDaysFrom, summarizeSimulation } from '../simulation';
import type { CampaignSimulation } from '../types';

describe('progress of a long operation', () => {
  it.each([
    [
      'unknown total: indeterminate',
      { status: 'running' as const },
      [],
      { fraction: null, percent: null, etaSeconds: null },
    ],
    [
      'done is 100 % whatever the counts',
      { status: 'done' as const, done: 3, total: 10 },
      [],
      { fraction: 1, percent: 100, etaSeconds: 0 },
    ],
    [
      'running at the last batch stays at 99 %',
      { status: 'running' as const, done: 10, total: 10 },
      [],
      { fraction: 1, percent: 99, etaSeconds: null },
    ],
    [
      'failed keeps where it stopped',
      { status: 'failed' as const, done: 250, total: 1000 },
      [],
      { fraction: 0.25, percent: 25, etaSeconds: null },
    ],
    [
      'time left from the rate between the first and the last sample',
      { status: 'running' as const, done: 300_000, total: 1_000_000 },
      [
        { at: 0, done: 100_000 },
        { at: 10_000, done: 300_000 },
      ],
      { fraction: 0.3, percent: 30, etaSeconds: 35 },
    ],
    [
      'no movement yet: no time left',
      { status: 'running' as const, done: 20_000, total: 1_000_000 },
      [
        { at: 0, done: 20_000 },
        { at: 5_000, done: 20_000 },
      ],
      { fraction: 0.02, percent: 2, etaSeconds: null },
    ],
  ])('%s', (_name, state, samples, expected) => {
    expect(computeProgress(state, samples)).toEqual(expected);
  });

  it('keeps the first sample and the newest ones, and skips repeats', () => {
    let samples: readonly { at: number; done: number }[] = [];
    for (let i = 0; i < 30; i += 1) samples = addSample(samples, { at: i * 1000, done: i * 10 }, 5);
    expect(samples.map((s) => s.done)).toEqual([0, 260, 270, 280, 290]);
    expect(addSample(samples, { at: 99_000, done: 290 }, 5)).toBe(samples);
  });

  it('splits seconds into minutes and seconds', () => {
    expect(splitSeconds(65.4)).toEqual({ minutes: 1, seconds: 5 });
    expect(splitSeconds(-3)).toEqual({ minutes: 0, seconds: 0 });
  });
});

const simulation = (over: Partial<CampaignSimulation> = {}): CampaignSimulation => ({
  campaignId: 'cmp_1',
  from: '2026-10-23T00:00:00Z',
  to: '2026-11-22T00:00:00Z',
  receiptsScanned: 400,
  truncated: false,
  reached: { receipts: 100, members: 60, anonymousReceipts: 10 },
  cost: { discountMinor: 50_000, points: 1_250, pointsValueMinor: 125_000 },
  stoppedByLimits: 0,
  ...over,
});

describe('campaign simulation summary', () => {
  it('adds the discount and the money value of the points, per reached receipt', () => {
    expect(summarizeSimulation(simulation())).toEqual({
      reachedShare: 0.25,
      totalCostMinor: 175_000,
      costPerReceiptMinor: 1_750,
    });
  });

  it('has no share or average without receipts', () => {
    expect(
      summarizeSimulation(
        simulation({
          receiptsScanned: 0,
          reached: { receipts: 0, members: 0, anonymousReceipts: 0 },
          cost: { discountMinor: 0, points: 0, pointsValueMinor: 0 },
        }),
      ),
    ).toEqual({ reachedShare: null, totalCostMinor: 0, costPerReceiptMinor: null });
  });

  it('runs on open only for the offered periods', () => {
    expect(simulateDaysFrom('?simulate=30')).toBe(30);
    expect(simulateDaysFrom('?simulate=31')).toBeNull();
    expect(simulateDaysFrom('')).toBeNull();
  });
});
