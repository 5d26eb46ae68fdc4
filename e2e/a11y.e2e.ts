import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, Browsing, KopilkaServer, RESULTS, signInStaff, unlabelled } from './harness';

// Accessibility of every page with something on it, at 375 px and on a desktop: axe-core's WCAG
// 2.1 A/AA rules (contrast, names, roles, landmarks…) plus our own check for unnamed controls,
// and keyboard use: the skip link, Tab order through the navigation, Escape and focus after a dialog.

let server: KopilkaServer;
let browsing: Browsing;
let staff: BrowserContext;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await KopilkaServer.start();
  browsing = await Browsing.launch();
  const m = await server.api<{ memberId: string }>('POST', '/v1/members', {
    phone: '+79167000401',
    email: 'vera@example.com',
    firstName: 'Вера',
  });
  ids.member = m.memberId;
  await server.api(
    'POST',
    `/v1/members/${m.memberId}/adjustments`,
    { points: 300, reason: 'Приветственные баллы' },
    { 'idempotency-key': 'e2e-a11y-1' },
  );
  ids.receipt = 'e2e-a11y-r1';
  await server.api('POST', '/v1/receipts/confirm', {
    receiptId: ids.receipt,
    member: { memberId: m.memberId },
    lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 2, amountMinor: 50_000 }],
  });
  ids.campaign = (
    await server.api<{ campaignId: string }>('POST', '/v1/campaigns', {
      name: 'Бонус за кофе',
      status: 'draft',
      priority: 10,
      conditions: { categories: ['coffee'] },
      effect: { type: 'bonus_points', points: 20 },
    })
  ).campaignId;
  await server.api('POST', '/v1/coupon-series', {
    name: 'Листовки',
    kind: 'unique',
    pattern: 'CAFE-XXXX-XXXX',
    count: 100,
  });
  await server.api('POST', '/v1/membership-plans', {
    code: 'club',
    name: 'Клуб',
    period: 'year',
    priceMinor: 99_000,
    discountPercent: '5',
  });
  staff = await browsing.context();
  await signInStaff(await staff.newPage(), server);
});

afterAll(async () => {
  server?.saveLog(`${RESULTS}/server-a11y.log`);
  await browsing?.close();
  await server?.stop();
});

async function audit(page: Page, label: string, out: string[]): Promise<void> {
  for (const v of await axeViolations(page)) out.push(`${label}: ${v}`);
  for (const v of await unlabelled(page)) out.push(`${label}: unlabelled ${v}`);
}

describe('accessibility', () => {
  it('every console page passes axe (WCAG 2.1 AA) at 375 px and on a desktop', async () => {
    const problems: string[] = [];
    const mobile = await browsing.context({ mobile: true, storageState: await staff.storageState() });
    const paths = [
      '/admin',
      '/admin/members',
      `/admin/members/${ids.member}`,
      '/admin/receipts',
      `/admin/receipts/${ids.receipt}`,
      '/admin/program',
      '/admin/campaigns',
      `/admin/campaigns/${ids.campaign}`,
      '/admin/coupons',
      '/admin/memberships',
      '/admin/tiers',
      '/admin/staff',
      '/admin/audit',
      '/cashier',
    ];
    for (const [size, context] of [
      ['desktop', staff],
      ['375', mobile],
    ] as const) {
      const page = await context.newPage();
      for (const path of paths) {
        await page.goto(`${server.url}${path}`);
        await page.getByRole('heading').first().waitFor();
        await page.waitForLoadState('networkidle');
        await audit(page, `${path} ${size}`, problems);
      }
      await page.close();
    }
    expect(problems).toEqual([]);
  });

  it('the login page and every cabinet page pass axe on a phone', async () => {
    const problems: string[] = [];
    const page = await (await browsing.context({ mobile: true })).newPage();
    for (const path of ['/login', '/cabinet']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading').first().waitFor();
      await audit(page, path, problems);
    }
    await page.getByRole('textbox', { name: 'Телефон' }).fill('+79167000401');
    const since = Date.now();
    await page.getByRole('button', { name: 'Получить код' }).click();
    const { code } = await server.codeFor('+79167000401', since);
    await page.getByLabel('Цифра 1 кода').click();
    await audit(page, '/cabinet (code)', problems);
    await page.keyboard.type(code);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('member-qr').waitFor();
    for (const path of ['/cabinet', '/cabinet/offers', '/cabinet/history', '/cabinet/profile']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading').nth(1).waitFor();
      await page.waitForLoadState('networkidle');
      await audit(page, path, problems);
    }
    expect(problems).toEqual([]);
  });

  it('works from the keyboard: skip link, navigation, dialogs close with Escape and give focus back', async () => {
    const page = await staff.newPage();
    await page.goto(`${server.url}/admin/coupons`);
    await page.getByRole('heading', { name: 'Купоны и промокоды' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Перейти к содержимому');
    await page.keyboard.press('Enter');
    expect(page.url()).toContain('#main');
    // Tab reaches "New series"; Enter opens the dialog with the focus in its first field.
    const button = page.getByRole('button', { name: 'Новая серия' });
    await button.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Новая серия' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type') ?? 'text')).toBe('text');
    expect(await page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Новая серия');
    // The focus is visible: the focused button draws an outline.
    expect(
      await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle),
    ).not.toBe('none');
  });

  it('logged no console errors', () => {
    expect({ console: browsing.problems, requests: browsing.failedRequests }).toEqual({
      console: [],
      requests: [],
    });
  });
});
