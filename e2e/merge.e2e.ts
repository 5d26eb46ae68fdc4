import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsing, KopilkaServer, RESULTS, ROOT, shot, signInStaff, unlabelled } from './harness';

// Support finds that a customer has two records (one made at the till by phone, one online by
// email) and merges the duplicate into the first from the console: pick by search, confirm after
// reading what moves, read what moved. The duplicate's page then points to the survivor.

type Balance = { points: { available: number; pending: number } };

// The merge endpoint is built alongside the console; without it the console hides the button.
const capabilities = join(ROOT, 'packages/server/src/capabilities');
const hasMergeRoute =
  existsSync(join(capabilities, 'members/merge.routes.ts')) &&
  readFileSync(join(capabilities, 'index.ts'), 'utf8').includes('memberMergeRoutes');

let server: KopilkaServer;
let browsing: Browsing;
let page: Page;
let survivorId: string;
let duplicateId: string;

const balanceOf = async (id: string) =>
  (await server.api<Balance>('GET', `/v1/members/${id}/balance`)).points;

beforeAll(async () => {
  if (!hasMergeRoute) return;
  server = await KopilkaServer.start();
  browsing = await Browsing.launch();
  survivorId = (
    await server.api<{ memberId: string }>('POST', '/v1/members', {
      phone: '+79167000301',
      firstName: 'Ирина',
    })
  ).memberId;
  duplicateId = (
    await server.api<{ memberId: string }>('POST', '/v1/members', {
      email: 'irina.k@example.com',
      lastName: 'Ковалёва',
    })
  ).memberId;
  await server.api(
    'POST',
    `/v1/members/${survivorId}/adjustments`,
    { points: 100, reason: 'Приветственные баллы' },
    { 'idempotency-key': 'e2e-merge-1' },
  );
  await server.api(
    'POST',
    `/v1/members/${duplicateId}/adjustments`,
    { points: 50, reason: 'Приветственные баллы' },
    { 'idempotency-key': 'e2e-merge-2' },
  );
  await server.api('POST', '/v1/receipts/confirm', {
    receiptId: 'e2e-merge-r1',
    member: { memberId: duplicateId },
    lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 1, amountMinor: 30_000 }],
  });
  page = await (await browsing.context()).newPage();
  await signInStaff(page, server);
});

afterAll(async () => {
  server?.saveLog(`${RESULTS}/server-merge.log`);
  await browsing?.close();
  await server?.stop();
});

describe.skipIf(!hasMergeRoute)('member merge in the console', () => {
  it('merges a duplicate found by search after confirming, and shows what moved', async () => {
    const before = { survivor: await balanceOf(survivorId), duplicate: await balanceOf(duplicateId) };
    await page.goto(`${server.url}/admin/members/${survivorId}`);
    await page.getByRole('button', { name: 'Объединить с дубликатом' }).click();
    const dialog = page.getByRole('dialog', { name: 'Объединение участников' });
    await dialog.getByLabel('Найти дубликат').fill('irina.k@example.com');
    await dialog.getByRole('button', { name: 'Выбрать: Ковалёва' }).click();
    await dialog.getByText('Присоединится и закроется').waitFor();
    // The confirmation takes the focus from the button that led there.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Проверьте, кого объединяем');
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'member-merge-confirm-desktop');
    await dialog.getByRole('button', { name: 'Объединить', exact: true }).click();
    const result = dialog.getByTestId('merge-result');
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toContain(`Баллов перенесено: ${before.duplicate.available + before.duplicate.pending}`);
    expect(text).toContain('Чеков: 1');
    expect(text).toContain('Взято из дубликата: эл. почта, фамилия.');
    await shot(page, 'member-merge-done-desktop');
    await dialog.getByRole('button', { name: 'Закрыть' }).first().click();
    await dialog.waitFor({ state: 'detached' });
    // The dialog gives the focus back to the button that opened it.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Объединить с дубликатом');
    await page.getByText('Ирина Ковалёва').first().waitFor();

    const after = await balanceOf(survivorId);
    expect(after.available + after.pending).toBe(
      before.survivor.available +
        before.survivor.pending +
        before.duplicate.available +
        before.duplicate.pending,
    );
    const dup = await server.api<{ status: string; mergedInto: string }>('GET', `/v1/members/${duplicateId}`);
    expect(dup).toMatchObject({ status: 'merged', mergedInto: survivorId });
  });

  it("the duplicate's page says where it went", async () => {
    await page.goto(`${server.url}/admin/members/${duplicateId}`);
    await page.getByText('Этот участник объединён с другим').waitFor();
    await page.getByRole('link', { name: 'Открыть участника' }).click();
    await page.waitForURL(`**/admin/members/${survivorId}`);
  });

  it('logged no console errors', () => {
    expect({ console: browsing.problems, requests: browsing.failedRequests }).toEqual({
      console: [],
      requests: [],
    });
  });
});
