import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsing, KopilkaServer, RESULTS, shot, signInStaff, unlabelled } from './harness';

// Before switching a campaign on, the marketer checks it on past receipts (with a progress bar
// while the server replays them); then makes a series of 30,000 coupon codes, watches it being
// generated in the background and downloads the codes as CSV.

let server: KopilkaServer;
let browsing: Browsing;
let staff: BrowserContext;
let page: Page;
let campaignId: string;

beforeAll(async () => {
  server = await KopilkaServer.start();
  browsing = await Browsing.launch();
  const m = await server.api<{ memberId: string }>('POST', '/v1/members', { phone: '+79167000101' });
  // Three purchases: two by the member, one without a card.
  for (const [i, member] of [{ memberId: m.memberId }, { memberId: m.memberId }, undefined].entries()) {
    await server.api('POST', '/v1/receipts/confirm', {
      receiptId: `e2e-sim-${i}`,
      ...(member ? { member } : {}),
      lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 2, amountMinor: 50_000 }],
    });
  }
  const campaign = await server.api<{ campaignId: string }>('POST', '/v1/campaigns', {
    name: 'Бонус за кофе',
    status: 'draft',
    priority: 10,
    conditions: { categories: ['coffee'] },
    effect: { type: 'bonus_points', points: 20 },
  });
  campaignId = campaign.campaignId;
  staff = await browsing.context();
  page = await staff.newPage();
  await signInStaff(page, server);
});

afterAll(async () => {
  server?.saveLog(`${RESULTS}/server-campaigns-coupons.log`);
  await browsing?.close();
  await server?.stop();
});

describe('campaign simulation and coupon codes', () => {
  it('shows what a draft campaign would have done on past receipts, with progress while it runs', async () => {
    // Slow the answer down so the progress bar is there to see.
    await page.route('**/simulation', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.getByRole('link', { name: 'Акции' }).click();
    await page.getByRole('link', { name: 'Проверить на прошлых чеках: Бонус за кофе' }).click();
    await page.getByRole('progressbar', { name: /Считаем чеки за 30 дн/ }).waitFor();
    const result = page.getByTestId('simulation-result');
    await result.waitFor();
    await page.unroute('**/simulation');
    // biome-ignore lint/performance/useDomNodeTextContent: innerText leaves out the <style> Mantine puts inside
    const text = await result.innerText();
    // 3 receipts checked; the 2 of the member reached (a receipt without a card earns nothing),
    // so 40 extra points (2 × 20) worth 40 RUB.
    expect(text).toContain('проверено 3');
    expect(text).toMatch(/Сработала бы на чеках\s*2\s*66,7 % проверенных чеков/);
    expect(text).toMatch(/Участников\s*1/);
    expect(text).toMatch(/Дополнительных баллов\s*40\s*на 40\s₽/);
    await shot(page, 'campaign-simulation-desktop');
    const sim = await server.api<{ reached: { receipts: number }; cost: { points: number } }>(
      'POST',
      `/v1/campaigns/${campaignId}/simulation`,
      { days: 30 },
    );
    expect(sim).toMatchObject({ reached: { receipts: 2 }, cost: { points: 40 } });
    expect(await unlabelled(page)).toEqual([]);
  });

  it('generates 30,000 codes in the background with progress and downloads them as CSV', async () => {
    // On the embedded database (one connection) 30,000 codes are made before the page asks
    // again, so the first two answers after the POST are shown as the server reports a series
    // in the middle of generation (on PostgreSQL the polls interleave with the batches).
    let seen = 0;
    await page.route(/\/v1\/coupon-series\?limit=200$/, async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { items: Record<string, unknown>[] };
      const series = body.items.find((s) => s.name === 'Листовки, ноябрь');
      if (series && seen < 2) {
        seen += 1;
        Object.assign(series, { status: 'generating', generatedCount: seen * 10_000, progress: seen / 3 });
      }
      await route.fulfill({ response: res, json: body });
    });
    await page.getByRole('link', { name: 'Купоны' }).click();
    await page.getByRole('button', { name: 'Новая серия' }).click();
    const dialog = page.getByRole('dialog', { name: 'Новая серия' });
    await dialog.getByLabel('Название серии').fill('Листовки, ноябрь');
    await dialog.getByLabel('Шаблон кода').fill('CAFE-XXXX-XXXX');
    await dialog.getByLabel('Сколько кодов').fill('30000');
    expect(await unlabelled(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Создать коды' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The dialog gives the focus back to the button that opened it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent ?? ''))
      .toBe('Новая серия');
    const bar = page.getByRole('progressbar', { name: 'Серия «Листовки, ноябрь»' });
    await bar.waitFor();
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    await shot(page, 'coupons-generating-desktop');
    const download = page.getByRole('link', { name: 'Скачать CSV: Листовки, ноябрь' });
    await download.waitFor({ timeout: 120_000 });
    await shot(page, 'coupons-desktop');
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const csv = readFileSync(await file.path(), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('code,status,uses,maxUses,memberId,startsAt,endsAt');
    expect(csv).toHaveLength(30_001);
    expect(new Set(csv.slice(1).map((l) => l.split(',')[0])).size).toBe(30_000);
    expect(csv[1]).toMatch(/^CAFE-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4},active,0,1,,,$/);
  });

  it('logged no console errors', () => {
    expect({ console: browsing.problems, requests: browsing.failedRequests }).toEqual({
      console: [],
      requests: [],
    });
  });
});
