/**
 * Pure receipt calculation with many active campaigns: median and p99 latency per receipt.
 *
 *   node --import tsx bench/calculate-campaigns.ts [--receipts 3000] [--counts 0,50,200]
 *
 * Campaigns are a realistic mix (multipliers on weekends, category and coupon discounts, bonuses,
 * stamp cards and spend thresholds with member state, buy-N-get-M, bundles, fixed amounts, store
 * scopes, exclusive groups); receipts have 1–12 lines. "warm" reuses the campaign objects across
 * receipts as the server's campaign cache does; "fresh" copies every campaign for every receipt
 * (the worst case: nothing parsed is reused).
 */
import { performance } from 'node:perf_hooks';
import { defaultProgram, mergeProgramPatch } from '@kopilka/domain/program';
import {
  type Campaign,
  type CampaignEffect,
  calculateReceipt,
  type ReceiptInput,
} from '@kopilka/domain/receipts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const RECEIPTS = Number(args.get('receipts') ?? 3000);
const COUNTS = (args.get('counts') ?? '0,50,200').split(',').map(Number);

// Deterministic pseudo-random numbers (mulberry32) so runs are comparable.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
  return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const CATEGORIES = [
  'coffee',
  'tea',
  'food',
  'desserts',
  'beans',
  'merch',
  'delivery',
  'alcohol',
  'tobacco',
  'dairy',
];
const SKUS = Array.from({ length: 300 }, (_, i) => `SKU-${i}`);
const STORES = Array.from({ length: 40 }, (_, i) => `store-${i}`);

const program = mergeProgramPatch(defaultProgram(), {
  earn: { pointsPerUnit: '0.05', excludedCategories: ['tobacco'] },
  burn: { maxPercentOfReceipt: 30, excludedCategories: ['alcohol', 'tobacco'] },
});

const effectFor = (i: number): CampaignEffect => {
  switch (i % 11) {
    case 0:
      return { type: 'earn_multiplier', multiplier: pick(['1.5', '2', '3']) };
    case 1:
      return { type: 'bonus_points', points: int(10, 500) };
    case 2:
      return { type: 'discount_percent', percent: pick(['5', '7.5', '10', '15', '20']) };
    case 3:
      return {
        type: 'discount_amount',
        amountMinor: int(5000, 50000),
        per: pick(['receipt', 'line', 'unit'] as const),
      };
    case 4:
      return { type: 'earn_rate', pointsPerUnit: pick(['0.1', '0.2', '1']) };
    case 5:
      return { type: 'nth_item_free', buy: int(1, 4), free: 1 };
    case 6:
      return {
        type: 'bundle_price',
        priceMinor: int(20000, 60000),
        items: [
          { categories: ['coffee'], quantity: 1 },
          { categories: ['desserts'], quantity: 1 },
        ],
      };
    case 7:
      return { type: 'stamp', every: int(5, 10) };
    case 8:
      return { type: 'threshold_reward', thresholdMinor: 350000, rewardMinor: 50000 };
    case 9:
      return { type: 'free_delivery' };
    default:
      return { type: 'issue_coupon', seriesId: 'cps_bench' };
  }
};

const makeCampaigns = (count: number): Campaign[] =>
  Array.from({ length: count }, (_, i) => {
    const filtered = random() < 0.6;
    return {
      campaignId: `cmp_${String(i).padStart(4, '0')}`,
      name: `Campaign ${i}`,
      status: 'active',
      startsAt: null,
      endsAt: null,
      priority: int(0, 20),
      conditions: {
        minAmountMinor: random() < 0.3 ? int(50000, 500000) : 0,
        categories: filtered ? [pick(CATEGORIES), pick(CATEGORIES)] : [],
        skus: random() < 0.15 ? Array.from({ length: 10 }, () => pick(SKUS)) : [],
        daysOfWeek: random() < 0.3 ? [6, 7] : [],
        coupon: random() < 0.1 ? `PROMO${i}` : null,
        ...(random() < 0.1 ? { hours: { from: '08:00', to: '12:00' } } : {}),
      },
      effect: effectFor(i),
      scope: random() < 0.3 ? { storeIds: Array.from({ length: 5 }, () => pick(STORES)) } : null,
      stacking: random() < 0.2 ? { exclusiveGroup: `g${i % 5}`, stopFurther: false } : null,
      memberState: { memberId: 'mbr_bench', stamps: int(0, 30), spendMinor: int(0, 1_000_000) },
    };
  });

const makeReceipt = (n: number): ReceiptInput => ({
  receiptId: `bench-${n}`,
  occurredAt: new Date(Date.UTC(2026, 10, 16 + (n % 7), 6 + (n % 12), 15)),
  storeId: pick(STORES),
  lines: Array.from({ length: int(1, 12) }, (_, i) => ({
    lineId: String(i + 1),
    sku: pick(SKUS),
    category: pick(CATEGORIES),
    quantity: random() < 0.2 ? (int(100, 3000) / 1000).toString() : int(1, 4),
    amountMinor: int(5000, 300000),
  })),
  coupons: random() < 0.1 ? [`PROMO${int(0, 200)}`] : [],
  pointsToSpend: random() < 0.3 ? int(0, 500) : 0,
});

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

const measure = (campaigns: Campaign[], receipts: ReceiptInput[], fresh: boolean) => {
  const member = {
    memberId: 'mbr_bench',
    availablePoints: 1000,
    tier: { code: 'gold', name: 'Gold', discountPercent: '5', earnMultiplier: '1.5' },
  };
  const run = (receipt: ReceiptInput) => {
    const input = fresh ? campaigns.map((c) => ({ ...c })) : campaigns;
    const result = calculateReceipt({
      receipt,
      member,
      program,
      campaigns: input,
      now: receipt.occurredAt ?? new Date(),
    });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.calculation.effects.length;
  };
  for (const receipt of receipts.slice(0, 300)) run(receipt); // warm-up (JIT, parse cache)
  const wall: number[] = [];
  const cpu: number[] = [];
  let effects = 0;
  for (const receipt of receipts) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    effects += run(receipt);
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    wallMedianMs: percentile(wall, 50),
    wallP99Ms: percentile(wall, 99),
    cpuMedianMs: percentile(cpu, 50),
    cpuP99Ms: percentile(cpu, 99),
    cpuMeanMs: cpu.reduce((a, b) => a + b, 0) / cpu.length,
    effectsPerReceipt: effects / receipts.length,
  };
};

const receipts = Array.from({ length: RECEIPTS }, (_, n) => makeReceipt(n));
console.log(`calculateReceipt, ${RECEIPTS} receipts of 1–12 lines, Node ${process.version}`);
// Wall time includes being descheduled on a busy machine; CPU time (getrusage) is the calculation's own.
console.log('campaigns  mode   wall median  wall p99  CPU median  CPU p99  CPU mean  effects/receipt  (ms)');
for (const count of COUNTS) {
  const campaigns = makeCampaigns(count);
  for (const fresh of [false, true]) {
    const r = measure(campaigns, receipts, fresh);
    const ms = (value: number, width: number) => value.toFixed(3).padStart(width);
    console.log(
      `${String(count).padStart(9)}  ${(fresh ? 'fresh' : 'warm').padEnd(5)}  ${ms(r.wallMedianMs, 11)}  ${ms(r.wallP99Ms, 8)}  ${ms(r.cpuMedianMs, 10)}  ${ms(r.cpuP99Ms, 7)}  ${ms(r.cpuMeanMs, 8)}  ${r.effectsPerReceipt.toFixed(1).padStart(15)}`,
    );
  }
}
