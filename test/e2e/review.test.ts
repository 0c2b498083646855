/// <reference lib="dom" />
// The review in Chromium: rows that tell samples apart, Accept/Reject buttons and undo, the
// failed rule shown, search, bulk reject of the listed set and its undo, filter by rollout,
// and the rules still there after leaving the step and reloading.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FilterPreview } from '../../preload/contract';
import { Studio } from '../../main/core/studio';
import { type RunningServer } from '../../main/server/server';
import { closeStudio, openPage, screenshot, startStudio } from '../helpers/browserStudio';
import { startChatServer } from '../helpers/chatServer';

let browser: Browser;
let studio: Studio;
let server: RunningServer;
let page: Page;
let root: string;
let chat: { url: string; close: () => Promise<void> };
let expertId = '';
const shot = (name: string) => screenshot(page, name);
const preview = (rules: object) => studio.api.handle('review.preview', { rules }) as Promise<FilterPreview>;

beforeAll(async () => {
  chat = await startChatServer(() => ({ text: 'no action here' }));
  ({ root, studio, server } = await startStudio('studio-review-', 'Review'));
  const { runner } = studio.requireProject();
  expertId = runner.start('rollout.run', { name: 'expert', tasks: 3, samplesPerTask: 2, seed: 40 }).id;
  runner.start('rollout.run', { name: 'model', tasks: 2, samplesPerTask: 1, seed: 40, policy: { type: 'openai', baseUrl: chat.url, model: 'm' } });
  await runner.idle();
  ({ browser, page } = await openPage());
});

afterAll(async () => {
  await closeStudio({ browser, server, studio, root });
  await chat?.close();
});

describe('review in the browser', () => {
  it('rows tell samples apart; buttons decide; undo restores; the failed rule is named', async () => {
    await page.goto(server.url);
    await page.getByTestId('step-filter').click();
    await expect.poll(() => page.getByTestId('review-count').textContent(), { timeout: 15_000 }).toBe('Trajectory 1 of 8 listed');
    const rows = await Promise.all([0, 1].map((i) => page.getByTestId(`review-row-${i}`).innerText()));
    expect(rows[0]).toMatch(/seed \d+ · sample 0/);
    expect(rows[1]).toMatch(/seed \d+ · sample 1/);
    // A model trajectory fails "succeeded": its row and its view say so.
    const lost = page.locator('[data-testid^="review-row-"]', { hasText: 'fails: lost' }).first();
    await lost.click();
    await expect.poll(() => page.getByTestId('review-rule-verdict').textContent()).toBe('fails: lost (rule: succeeded)');
    const before = (await preview({ success: true })).accepted;
    await page.getByTestId('review-accept').click();
    await expect.poll(() => page.getByTestId('review-decision').textContent()).toBe('accepted');
    expect((await preview({ success: true })).accepted).toBe(before + 1);
    await shot('review-01-accepted');
    await page.getByTestId('review-undo').click();
    await expect.poll(() => page.getByTestId('review-decision').textContent()).toBe('no decision');
    expect((await preview({ success: true })).accepted).toBe(before);
  });

  it('search narrows the list; bulk reject of the listed set; undo puts every one back', async () => {
    await page.getByTestId('review-search-input').fill('no action here');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe('Trajectory 1 of 2 listed');
    await page.getByTestId('review-search-input').fill('');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe('Trajectory 1 of 8 listed');
    await page.getByTestId('review-view-select').selectOption('accepted');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe('Trajectory 1 of 6 listed');
    await page.getByTestId('review-reject-all').click();
    await shot('review-02-bulk-confirm');
    await page.getByTestId('review-bulk-confirm').click();
    await expect.poll(() => page.getByTestId('filter-counts').textContent()).toContain('0 accepted after decisions');
    await page.getByTestId('review-undo').click();
    await expect.poll(() => page.getByTestId('filter-counts').textContent()).toContain('6 accepted after decisions');
    await page.getByTestId('review-view-select').selectOption('all');
  });

  it('filters by rollout, sorts, and keeps it all after leaving the step and reloading', async () => {
    await page.getByTestId('rule-rollout').selectOption(expertId);
    await expect.poll(() => page.getByTestId('filter-counts').textContent()).toContain('6 of 6 pass the rules');
    await page.getByTestId('review-sort-select').selectOption('length:desc');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe('Trajectory 1 of 6 listed');
    await shot('review-03-by-rollout');
    await page.setViewportSize({ width: 820, height: 900 });
    await shot('review-04-narrow');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.waitForTimeout(500); // the state is saved 300 ms after the last change
    await page.getByTestId('step-train').click();
    await page.getByTestId('step-filter').click();
    await expect.poll(() => page.getByTestId('rule-rollout').inputValue()).toBe(expertId);
    await studio.api.handle('app.setTheme', { theme: 'dark' });
    await page.reload();
    await page.getByTestId('step-filter').click();
    await expect.poll(() => page.getByTestId('rule-rollout').inputValue()).toBe(expertId);
    expect(await page.getByTestId('review-sort-select').inputValue()).toBe('length:desc');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe('Trajectory 1 of 6 listed');
    await shot('review-05-dark');
  });
});
