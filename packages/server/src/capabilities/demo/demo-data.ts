// Fixed material for the demo coffee chain: menu, stores, names. Prices in kopecks.

export const DEMO_STORES = ['moscow-01', 'moscow-02', 'spb-01'] as const;

export const DEMO_MENU = [
  { sku: 'ESPRESSO', category: 'coffee', priceMinor: 15000, weight: 10 },
  { sku: 'CAPPUCCINO', category: 'coffee', priceMinor: 22000, weight: 22 },
  { sku: 'LATTE', category: 'coffee', priceMinor: 25000, weight: 25 },
  { sku: 'RAF', category: 'coffee', priceMinor: 29000, weight: 10 },
  { sku: 'TEA', category: 'tea', priceMinor: 18000, weight: 8 },
  { sku: 'CROISSANT', category: 'bakery', priceMinor: 19000, weight: 12 },
  { sku: 'CHEESECAKE', category: 'desserts', priceMinor: 32000, weight: 6 },
  { sku: 'SANDWICH', category: 'food', priceMinor: 35000, weight: 5 },
  { sku: 'BEANS-250', category: 'beans', priceMinor: 95000, weight: 2 },
  { sku: 'MUG', category: 'merch', priceMinor: 90000, weight: 1 },
] as const;

export const DEMO_FIRST_NAMES = [
  'Анна',
  'Мария',
  'Елена',
  'Ольга',
  'Дарья',
  'Ирина',
  'Алексей',
  'Дмитрий',
  'Иван',
  'Сергей',
  'Михаил',
  'Никита',
  'Екатерина',
  'Павел',
  'Татьяна',
  'Андрей',
];
export const DEMO_LAST_NAMES = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Соколов',
  'Лебедев',
  'Козлов',
  'Новиков',
  'Морозов',
  'Волков',
];

/** mulberry32: a small seeded PRNG, so every fresh install gets the same demo. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    weighted: <T extends { weight: number }>(items: readonly T[]): T => {
      const total = items.reduce((s, i) => s + i.weight, 0);
      let r = next() * total;
      for (const item of items) {
        r -= item.weight;
        if (r < 0) return item;
      }
      return items[items.length - 1]!;
    },
  };
}
