import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeQrVideo } from './fake-camera';
import { Browsing, KopilkaServer, RESULTS, shot, signInStaff, unlabelled } from './harness';

// A member who gave the program only an email signs in to the cabinet with a code sent by email
// (read from the server log, as in development) and finds a personal coupon and the campaigns
// they get, on a 375 px phone screen. Then a cashier scans the QR code on the member's card page
// with the till's camera (Chromium's fake camera plays a video of that very code).

const EMAIL = 'olga@example.com';

let server: KopilkaServer;
let browsing: Browsing;
let couponCode: string;
let memberPage: Page;

beforeAll(async () => {
  server = await KopilkaServer.start();
  browsing = await Browsing.launch();
  const m = await server.api<{ memberId: string }>('POST', '/v1/members', {
    email: 'Olga@Example.com',
    firstName: 'Ольга',
  });
  await server.api('POST', '/v1/campaigns', {
    name: 'Двойные баллы на кофе',
    status: 'active',
    priority: 10,
    conditions: { categories: ['coffee'] },
    effect: { type: 'earn_multiplier', multiplier: '2' },
  });
  const series = await server.api<{ seriesId: string }>('POST', '/v1/coupon-series', {
    name: 'Подарок ко дню рождения',
    kind: 'personal',
    validDays: 30,
  });
  await server.api('POST', '/v1/campaigns', {
    name: 'Скидка по купону',
    status: 'active',
    priority: 10,
    conditions: { couponSeriesId: series.seriesId },
    effect: { type: 'discount_percent', percent: '15' },
  });
  const coupon = await server.api<{ code: string }>('POST', `/v1/coupon-series/${series.seriesId}/coupons`, {
    memberId: m.memberId,
  });
  couponCode = coupon.code;
});

afterAll(async () => {
  server?.saveLog(`${RESULTS}/server-cabinet.log`);
  await browsing?.close();
  await server?.stop();
});

describe('member cabinet by email', () => {
  it('signs in with a code sent by email and shows the personal coupon and offers', async () => {
    const page = await (await browsing.context({ mobile: true })).newPage();
    memberPage = page;
    await page.goto(`${server.url}/cabinet`);
    await page.getByRole('heading', { name: 'Вход' }).waitFor();
    await page.getByText('По почте', { exact: true }).click();
    await page.getByLabel('Эл. почта').fill(EMAIL);
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'cabinet-sign-in-email-375');
    const since = Date.now();
    await page.getByRole('button', { name: 'Получить код' }).click();
    const { code } = await server.codeFor(EMAIL, since);
    await page.getByText(`Если адрес ${EMAIL} зарегистрирован`).waitFor();
    await page.getByLabel('Цифра 1 кода').click();
    await page.keyboard.type(code);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByText('Здравствуйте, Ольга!').waitFor();

    await page.getByText('Акции', { exact: true }).click();
    const coupon = page.getByTestId('cabinet-coupon');
    await coupon.waitFor();
    const text = (await coupon.textContent()) ?? '';
    expect(text).toContain('Подарок ко дню рождения');
    expect(text).toContain('Скидка по купону: скидка 15 %');
    expect(text).toContain(couponCode);
    expect(await page.getByTestId('cabinet-offer').allTextContents()).toEqual([
      expect.stringContaining('Двойные баллы на кофе'),
    ]);
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'cabinet-offers-375');
  });

  it("the cashier reads the member's QR code with the camera", async () => {
    await memberPage.getByText('Карта', { exact: true }).click();
    const token = await memberPage.getByTestId('member-qr').getAttribute('data-token');
    expect(token).toMatch(/^kq1\./);
    const dir = mkdtempSync(join(tmpdir(), 'kopilka-camera-'));
    const video = join(dir, 'qr.y4m');
    writeQrVideo(token ?? '', video);
    const withCamera = await Browsing.launch({ fakeCamera: video });
    try {
      const page = await (await withCamera.context()).newPage();
      await signInStaff(page, server);
      await page.goto(`${server.url}/cashier`);
      await page.getByRole('button', { name: 'Сканировать камерой' }).click();
      // The dialog closes by itself once the code is read.
      await page.getByRole('heading', { name: 'Определится по QR-коду' }).waitFor();
      await page.getByLabel('Товар (артикул)').fill('LATTE');
      await page.getByLabel('Категория').fill('coffee');
      await page.getByLabel('Цена, ₽').fill('200');
      // The calculation names the member behind the token: they earn points.
      await page.getByText('Будет начислено баллов').waitFor();
      await shot(page, 'cashier-camera-scanned-desktop');
      expect({ console: withCamera.problems, requests: withCamera.failedRequests }).toEqual({
        console: [],
        requests: [],
      });
    } finally {
      await withCamera.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logged no console errors', () => {
    expect({ console: browsing.problems, requests: browsing.failedRequests }).toEqual({
      console: [],
      requests: [],
    });
  });
});
