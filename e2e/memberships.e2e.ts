import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsing, KopilkaServer, RESULTS, shot, signInStaff, unlabelled } from './harness';

// Staff creates a paid plan in the console, then subscribes a member to it from the member's
// page and sees the membership with its payment.

let server: KopilkaServer;
let browsing: Browsing;
let page: Page;
let memberId: string;

beforeAll(async () => {
  server = await KopilkaServer.start();
  browsing = await Browsing.launch();
  const m = await server.api<{ memberId: string }>('POST', '/v1/members', {
    phone: '+79167000201',
    firstName: 'Пётр',
  });
  memberId = m.memberId;
  page = await (await browsing.context()).newPage();
  await signInStaff(page, server);
});

afterAll(async () => {
  server?.saveLog(`${RESULTS}/server-memberships.log`);
  await browsing?.close();
  await server?.stop();
});

describe('paid membership plans', () => {
  it('creates a yearly plan with a discount and free delivery', async () => {
    await page.getByRole('link', { name: 'Платные программы' }).click();
    await page.getByText('Платных программ пока нет.').waitFor();
    await page.getByRole('button', { name: 'Новая программа' }).click();
    const dialog = page.getByRole('dialog', { name: 'Новая программа' });
    await dialog.getByLabel('Название').fill('Клуб');
    await dialog.getByLabel('Код').fill('club');
    await dialog.getByLabel('Цена, ₽').fill('990');
    await dialog.getByLabel('Скидка, %').fill('5');
    // A switch works from the keyboard: focus and Space.
    await dialog.getByRole('switch', { name: 'Бесплатная доставка' }).focus();
    await page.keyboard.press('Space');
    expect(await dialog.getByRole('switch', { name: 'Бесплатная доставка' }).isChecked()).toBe(true);
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'membership-plan-new-desktop');
    await dialog.getByRole('button', { name: 'Создать' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /Клуб/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('скидка 5 % · бесплатная доставка');
    await shot(page, 'membership-plans-desktop');
    const plans = await server.api<{ items: { code: string; priceMinor: number; perks: string[] }[] }>(
      'GET',
      '/v1/membership-plans',
    );
    expect(plans.items).toEqual([
      expect.objectContaining({ code: 'club', priceMinor: 99_000, perks: ['free_delivery'] }),
    ]);
  });

  it("subscribes a member from the member's page and shows the membership", async () => {
    await page.goto(`${server.url}/admin/members/${memberId}`);
    await page.getByRole('tab', { name: 'Платная программа' }).click();
    await page.getByText('Платных подписок не было.').waitFor();
    await page
      .getByRole('textbox', { name: 'Программа' })
      .or(page.getByRole('combobox', { name: 'Программа' }))
      .first()
      .click();
    await page.getByRole('option', { name: /Клуб/ }).click();
    await page.getByLabel('Номер оплаты').fill('pos-42');
    await page.getByRole('button', { name: 'Оформить', exact: true }).click();
    const card = page.getByTestId('membership');
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Действует');
    expect(text).toContain('привилегии действуют');
    expect(text).toContain('pos-42');
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'member-membership-desktop');
    const list = await server.api<{ items: { planCode: string; status: string }[] }>(
      'GET',
      `/v1/members/${memberId}/memberships`,
    );
    expect(list.items).toEqual([expect.objectContaining({ planCode: 'club', status: 'active' })]);
  });

  it('logged no console errors', () => {
    expect({ console: browsing.problems, requests: browsing.failedRequests }).toEqual({
      console: [],
      requests: [],
    });
  });
});
