/// <reference lib="dom" />
// The model picker in Chromium against server mode: the Qwen3-VL snapshot in the local
// Hugging Face cache is offered with its Hub id and imported on choice; a Llama snapshot is
// listed but cannot be chosen; a Llama folder picked through the folder browser (which shows
// dot-folders) is refused with the reason.
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Artifact } from '../../preload/contract';
import { Studio } from '../../main/core/studio';
import { type RunningServer } from '../../main/server/server';
import { writeSafetensors } from '../../main/core/native/safetensors';
import { closeStudio, openPage, screenshot, startStudio } from '../helpers/browserStudio';
import { makeQwen3VLCheckpoint } from '../helpers/checkpoints';

let browser: Browser;
let studio: Studio;
let server: RunningServer;
let page: Page;
let root: string;
const savedCache = process.env.HF_HUB_CACHE;
const shot = (name: string) => screenshot(page, name);

function cached(hub: string, hubId: string, rev: string, fill: (dir: string) => void): string {
  const repo = join(hub, `models--${hubId.replace('/', '--')}`);
  const tmp = join(repo, 'tmp');
  fill(tmp);
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  const snap = join(repo, 'snapshots', rev);
  mkdirSync(snap, { recursive: true });
  for (const f of readdirSync(tmp)) {
    renameSync(join(tmp, f), join(repo, 'blobs', f));
    symlinkSync(join('..', '..', 'blobs', f), join(snap, f));
  }
  rmSync(tmp, { recursive: true });
  mkdirSync(join(repo, 'refs'), { recursive: true });
  writeFileSync(join(repo, 'refs', 'main'), rev);
  return snap;
}

function llama(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', torch_dtype: 'float16' }));
  writeSafetensors(join(dir, 'model.safetensors'), [{ name: 'w', shape: [4, 4], dtype: 'F32', data: Buffer.alloc(64) }], { format: 'pt' });
}

beforeAll(async () => {
  // The Hub cache is made before the studio starts, as a user's is.
  const prepare = (r: string): void => {
    const hub = join(r, 'home', '.cache', 'huggingface', 'hub');
    cached(hub, 'Qwen/Qwen3-VL-Tiny-Instruct', 'a'.repeat(40), (d) => void makeQwen3VLCheckpoint(d, { shards: 1 }));
    cached(hub, 'meta-llama/Llama-Tiny', 'b'.repeat(40), llama);
    llama(join(r, 'home', 'llama-folder'));
    process.env.HF_HUB_CACHE = hub;
  };
  ({ root, studio, server } = await startStudio('studio-picker-', 'Picker', { prepare }));
  ({ browser, page } = await openPage());
});

afterAll(async () => {
  if (savedCache === undefined) delete process.env.HF_HUB_CACHE;
  else process.env.HF_HUB_CACHE = savedCache;
  await closeStudio({ browser, server, studio, root });
});

describe('model picker', () => {
  it('offers cached snapshots with Hub ids, imports the chosen one and shows what it is', async () => {
    await page.goto(server.url);
    await page.getByTestId('step-merge').click();
    const select = page.getByTestId('merge-base-select');
    await expect.poll(() => select.locator('option').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Qwen\/Qwen3-VL-Tiny-Instruct — .*bfloat16/)]));
    const llamaOpt = select.locator('option', { hasText: 'meta-llama/Llama-Tiny' });
    expect(await llamaOpt.textContent()).toMatch(/not usable: LlamaForCausalLM is not Qwen3-VL/);
    expect(await llamaOpt.isDisabled()).toBe(true);
    await shot('picker-01-cache-listed');

    const value = await select.locator('option', { hasText: 'Qwen/Qwen3-VL-Tiny-Instruct' }).getAttribute('value');
    await select.selectOption(value!);
    const info = page.getByTestId('merge-base-select-info');
    await expect
      .poll(() => info.textContent(), { timeout: 30_000 })
      .toMatch(/Qwen3VLForConditionalGeneration · [\d.]+ [KM] params · bfloat16 · .* · Hub id Qwen\/Qwen3-VL-Tiny-Instruct/);
    const arts = (await studio.api.handle('artifacts.list', { kinds: ['base-model'] })) as Artifact[];
    expect(arts).toHaveLength(1);
    expect(arts[0]!.meta.hubId).toBe('Qwen/Qwen3-VL-Tiny-Instruct');
    // The snapshot's files are links into blobs/: they are hashed, not skipped.
    expect(arts[0]!.sizeBytes).toBeGreaterThan(200_000);
    expect(await select.inputValue()).toBe(arts[0]!.id);
    await shot('picker-02-imported');
  });

  it('refuses a Llama folder chosen in the folder browser, which lists dot-folders', async () => {
    await page.getByTestId('merge-base-select').selectOption('__folder__');
    const dialog = page.getByTestId('folder-browser');
    await dialog.waitFor();
    // The dialog opens in the cache; go up to the fake home, where .cache is listed.
    for (let i = 0; i < 3; i++) await page.getByTestId('folder-browser-up').click();
    await expect.poll(() => dialog.getByText('.cache', { exact: true }).count()).toBe(1);
    await dialog.getByText('llama-folder', { exact: true }).click();
    await expect.poll(() => dialog.getByText('llama-folder', { exact: true }).count()).toBe(1); // in the breadcrumbs now
    await page.getByTestId('folder-browser-choose').click();
    await expect.poll(() => page.getByTestId('merge-base-select-error').textContent()).toMatch(/llama-folder cannot be used: LlamaForCausalLM is not Qwen3-VL/);
    await shot('picker-03-llama-refused');
    await page.setViewportSize({ width: 820, height: 900 });
    await shot('picker-04-narrow');
    await studio.api.handle('app.setTheme', { theme: 'dark' });
    await page.reload();
    await page.getByTestId('step-merge').click();
    await page.getByTestId('merge-base-select-info').waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot('picker-05-dark');
  });
});
