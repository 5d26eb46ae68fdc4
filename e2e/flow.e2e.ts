import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Browsing, KopilkaServer, RESULTS, shot, unlabelled } from './harness';

// The story of issue 7: staff signs in and creates a weekend campaign; a cashier sells to a member
// found by phone who pays part with points (one-time code); the member's cabinet shows the new
// balance; staff refunds a line; the balance follows. Screenshots of every main page at 375 px
// and desktop go to test-results/e2e/. No console errors are allowed anywhere.

const PHONE = '+79167000001';
const OTP_RESEND_MS = 31_000; // the server sends one code per phone per 30 s

type Balance = { points: { available: number; pending: number } };
type Receipt = {
  receiptId: string;
  totals: { pointsSpent: number; pointsEarned: number; payableMinor: number };
  effects: { campaignId: string | null }[];
  balance: { available: number } | null;
};

let server: KopilkaServer;
let browsing: Browsing;
let staff: BrowserContext;
let staffPage: Page;
let member: BrowserContext;
let memberPage: Page;
let memberId: string;
let campaignId: string;
let receiptId: string;
let lastCodeAt = 0;

const balance = async () =>
  (await server.api<Balance>('GET', `/v1/members/${memberId}/balance`)).points.available;

async function waitForResend(): Promise<void> {
  const wait = lastCodeAt + OTP_RESEND_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Цифра 1 кода').click();
  await page.keyboard.type(code);
}

async function cabinetBalance(): Promise<number> {
  await memberPage.reload();
  const text = await memberPage.getByTestId('cabinet-balance').textContent();
  return Number((text ?? '').replace(/\D/g, ''));
}

beforeAll(async () => {
  server = await KopilkaServer.start();
  browsing = await Browsing.launch();
  const m = await server.api<{ memberId: string }>('POST', '/v1/members', {
    phone: '8 (916) 700-00-01',
    firstName: 'Анна',
    lastName: 'Смирнова',
    email: 'anna@example.com',
  });
  memberId = m.memberId;
  await server.api(
    'POST',
    `/v1/members/${memberId}/adjustments`,
    { points: 500, reason: 'Приветственные баллы' },
    {
      'idempotency-key': 'e2e-welcome',
    },
  );
});

afterAll(async () => {
  server?.saveLog(`${RESULTS}/server.log`);
  await browsing?.close();
  await server?.stop();
});

describe('staff, cashier and member in a real browser', () => {
  it('the member signs in to the cabinet with a one-time code and sees 500 points', async () => {
    member = await browsing.context({ mobile: true });
    memberPage = await member.newPage();
    await memberPage.goto(`${server.url}/cabinet`);
    await memberPage.getByRole('heading', { name: 'Вход' }).waitFor();
    await shot(memberPage, 'cabinet-sign-in-375');
    await memberPage.getByRole('textbox', { name: 'Телефон' }).fill('8 916 700 00 01');
    const since = Date.now();
    await memberPage.getByRole('button', { name: 'Получить код' }).click();
    const { code, at } = await server.codeFor(PHONE, since);
    lastCodeAt = at;
    await typeCode(memberPage, code);
    await memberPage.getByRole('button', { name: 'Войти' }).click();
    await memberPage.getByTestId('cabinet-balance').waitFor();
    expect(await memberPage.getByTestId('cabinet-balance').textContent()).toMatch(/^500$/);
    await memberPage.getByTestId('member-qr').waitFor();
  });

  it('staff signs in and creates an active weekend campaign with double points', async () => {
    staff = await browsing.context();
    staffPage = await staff.newPage();
    await staffPage.goto(`${server.url}/login`);
    await shot(staffPage, 'login-desktop');
    // Keyboard only: type, Tab to the password, Enter submits.
    await staffPage.getByLabel('Эл. почта').focus();
    await staffPage.keyboard.type(ADMIN.email);
    await staffPage.keyboard.press('Tab');
    await staffPage.keyboard.type(ADMIN.password);
    await staffPage.keyboard.press('Enter');
    await staffPage.getByRole('heading', { name: 'Обзор программы' }).waitFor();

    await staffPage.getByRole('link', { name: 'Акции' }).click();
    await staffPage.getByRole('link', { name: 'Новая акция' }).click();
    await staffPage.getByLabel('Имя').fill('Двойные баллы по выходным');
    await staffPage
      .getByRole('textbox', { name: 'Статус' })
      .or(staffPage.getByRole('combobox', { name: 'Статус' }))
      .first()
      .click();
    await staffPage.getByRole('option', { name: 'Активна' }).click();
    // Chips are checkboxes drawn as labels: click the label, as a person would.
    await staffPage.locator('label', { hasText: /^Сб$/ }).click();
    await staffPage.locator('label', { hasText: /^Вс$/ }).click();
    expect(await staffPage.getByRole('checkbox', { name: 'Сб' }).isChecked()).toBe(true);
    expect(await staffPage.getByRole('checkbox', { name: 'Вс' }).isChecked()).toBe(true);
    expect(await staffPage.getByLabel('Множитель').inputValue()).toBe('2');
    await shot(staffPage, 'campaign-editor-desktop');
    await staffPage.getByRole('button', { name: 'Сохранить' }).click();
    await staffPage.getByRole('link', { name: 'Двойные баллы по выходным' }).waitFor();

    const list = await server.api<{
      items: (Receipt & {
        campaignId: string;
        name: string;
        status: string;
        conditions: { daysOfWeek: number[] };
        effect: { type: string; multiplier: string };
      })[];
    }>('GET', '/v1/campaigns');
    const created = list.items.find((c) => c.name === 'Двойные баллы по выходным');
    expect(created).toMatchObject({
      status: 'active',
      conditions: { daysOfWeek: [6, 7] },
      effect: { type: 'earn_multiplier', multiplier: '2' },
    });
    campaignId = created!.campaignId;
  });

  it('the cashier sells to the member found by phone, who pays part with points after an SMS code', async () => {
    await staffPage.goto(`${server.url}/cashier`);
    await staffPage.getByLabel('Телефон покупателя').fill('8 916 700-00-01');
    await staffPage.getByRole('button', { name: 'Найти' }).click();
    await staffPage.getByRole('heading', { name: 'Анна Смирнова' }).waitFor();
    await staffPage.getByLabel('Товар (артикул)').fill('LATTE');
    await staffPage.getByLabel('Категория').fill('coffee');
    await staffPage.getByLabel('Кол-во').fill('2');
    await staffPage.getByLabel('Цена, ₽').fill('250');
    await staffPage.getByRole('button', { name: 'Отправить код' }).waitFor();

    await waitForResend();
    const since = Date.now();
    await staffPage.getByRole('button', { name: 'Отправить код' }).click();
    const { code, at } = await server.codeFor(PHONE, since);
    lastCodeAt = at;
    await typeCode(staffPage, code);
    await staffPage.getByRole('button', { name: 'Проверить код' }).click();
    await staffPage.getByRole('button', { name: 'Максимум' }).click();
    // 30 % of 500 RUB may be paid with points: 150 points.
    await staffPage.getByText('Баллами (150)').waitFor();
    await shot(staffPage, 'cashier-sale-with-points-desktop');
    await staffPage.getByRole('button', { name: /Провести чек/ }).click();
    await staffPage.getByRole('heading', { name: 'Чек проведён' }).waitFor();
    const number = await staffPage.getByText(/Номер чека:/).textContent();
    receiptId = (number ?? '').replace('Номер чека:', '').trim();
    await shot(staffPage, 'cashier-done-desktop');

    const receipt = await server.api<Receipt>('GET', `/v1/receipts/${receiptId}`);
    expect(receipt.totals.pointsSpent).toBe(150);
    expect(receipt.totals.payableMinor).toBe(35_000);
    // 5 % of the 350 RUB paid in money, doubled on a Moscow weekend.
    const weekend = ['Sat', 'Sun'].includes(
      new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'Europe/Moscow' }).format(new Date()),
    );
    expect(receipt.totals.pointsEarned).toBe(weekend ? 35 : 17);
    expect(receipt.effects.some((e) => e.campaignId === campaignId)).toBe(weekend);
    expect(await balance()).toBe(500 - 150 + receipt.totals.pointsEarned);
  });

  it('the member cabinet shows the new balance', async () => {
    const expected = await balance();
    expect(await cabinetBalance()).toBe(expected);
    await shot(memberPage, 'cabinet-card-375');
  });

  it('staff refunds one latte from the console and the balance follows', async () => {
    const before = await balance();
    await staffPage.goto(`${server.url}/admin/receipts/${receiptId}`);
    await staffPage.getByLabel('LATTE (до 2)').fill('1');
    await staffPage.getByRole('button', { name: 'Вернуть выбранное' }).click();
    await staffPage
      .getByRole('status')
      .getByText(/Вернуть деньгами/)
      .waitFor();
    await shot(staffPage, 'receipt-refunded-desktop');
    const after = await balance();
    // Half the receipt: half of the 150 points that paid come back, half of what was earned goes.
    const receipt = await server.api<
      Receipt & { refunds: { pointsReturned: number; pointsRevoked: number }[] }
    >('GET', `/v1/receipts/${receiptId}`);
    const [refund] = receipt.refunds;
    expect(refund?.pointsReturned).toBe(75);
    expect(after).toBe(before + 75 - (refund?.pointsRevoked ?? 0));
    expect(after).not.toBe(before);
    expect(await cabinetBalance()).toBe(after);
  });

  it('takes screenshots of every main page at 375 px and on a desktop', async () => {
    const a11y: string[] = [];
    const state = await staff.storageState();
    const mobileStaff = await browsing.context({ mobile: true, storageState: state });
    const pages: [string, string][] = [
      ['dashboard', '/admin'],
      ['members', '/admin/members'],
      ['member', `/admin/members/${memberId}`],
      ['receipts', '/admin/receipts'],
      ['receipt', `/admin/receipts/${receiptId}`],
      ['program', '/admin/program'],
      ['campaigns', '/admin/campaigns'],
      ['campaign-editor', `/admin/campaigns/${campaignId}`],
      ['tiers', '/admin/tiers'],
      ['staff', '/admin/staff'],
      ['audit', '/admin/audit'],
      ['cashier', '/cashier'],
    ];
    for (const [mobile, context] of [
      [false, staff],
      [true, mobileStaff],
    ] as const) {
      const page = await context.newPage();
      for (const [name, path] of pages) {
        await page.goto(`${server.url}${path}`);
        await page.getByRole('heading').first().waitFor();
        await shot(page, `${name}-${mobile ? '375' : 'desktop'}`);
        for (const problem of await unlabelled(page)) a11y.push(`${path}: ${problem}`);
      }
      await page.close();
    }
    await memberPage.getByText('История', { exact: true }).click();
    await memberPage.getByText('Начисление за покупку').first().waitFor();
    await shot(memberPage, 'cabinet-history-375');
    await memberPage.getByText('Профиль', { exact: true }).click();
    const sms = memberPage.getByRole('switch', { name: 'Рассылки по СМС' });
    await expect.poll(() => sms.isEnabled(), { timeout: 10_000 }).toBe(true);
    await sms.click({ force: true });
    await expect
      .poll(
        async () =>
          (
            await server.api<{ items: { channel: string; granted: boolean }[] }>(
              'GET',
              `/v1/members/${memberId}/consents`,
            )
          ).items,
        {
          timeout: 10_000,
        },
      )
      .toEqual([expect.objectContaining({ channel: 'sms', granted: true, source: 'web' })]);
    await expect.poll(() => sms.isEnabled(), { timeout: 10_000 }).toBe(true);
    await shot(memberPage, 'cabinet-profile-375');
    const desktopMember = await browsing.context({ storageState: await member.storageState() });
    const page = await desktopMember.newPage();
    await page.goto(`${server.url}/cabinet`);
    await page.getByTestId('member-qr').waitFor();
    await shot(page, 'cabinet-card-desktop');
    for (const problem of await unlabelled(page)) a11y.push(`/cabinet: ${problem}`);
    for (const problem of await unlabelled(memberPage)) a11y.push(`/cabinet/profile: ${problem}`);
    // English is one click away and is remembered.
    await page.getByText('EN', { exact: true }).click();
    await page.getByText('Your points').waitFor();
    await page.reload();
    await page.getByText('Your points').waitFor();
    await shot(page, 'cabinet-card-en-desktop');
    expect(a11y).toEqual([]);
  });

  it('logged no console errors on any page', () => {
    expect({ console: browsing.problems, requests: browsing.failedRequests }).toEqual({
      console: [],
      requests: [],
    });
  });
});
