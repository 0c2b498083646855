/// <reference lib="dom" />
// Outputs in Chromium: rename an RL launch folder, refuse deleting the merged model it was
// made from (the dependant named), then delete the launch folder with its files.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Artifact } from '../../preload/contract';
import { Studio } from '../../main/core/studio';
import { type RunningServer } from '../../main/server/server';
import { closeStudio, openPage, screenshot, startStudio } from '../helpers/browserStudio';
import { makeQwen3VLCheckpoint } from '../helpers/checkpoints';

let browser: Browser;
let studio: Studio;
let server: RunningServer;
let page: Page;
let root: string;
let merged: Artifact;
let launch: Artifact;
const shot = (name: string) => screenshot(page, name);
const list = (kind: string) => studio.api.handle('artifacts.list', { kinds: [kind] }) as Promise<Artifact[]>;

beforeAll(async () => {
  ({ root, studio, server } = await startStudio('studio-outputs-', 'Outputs'));
  makeQwen3VLCheckpoint(join(root, 'm'), { shards: 1 });
  const { runner } = studio.requireProject();
  runner.start('artifact.import', { path: join(root, 'm'), kind: 'merged-model', mode: 'reference', name: 'sokoban-merged' });
  await runner.idle();
  merged = (await list('merged-model'))[0]!;
  runner.start('rl.handoff', { mergedArtifactId: merged.id, game: 'sokoban', trainDataSize: 1, valDataSize: 1 });
  await runner.idle();
  launch = (await list('rl-launch'))[0]!;
  ({ browser, page } = await openPage());
});

afterAll(() => closeStudio({ browser, server, studio, root }));

describe('outputs in the browser', () => {
  it('renames an output', async () => {
    await page.goto(server.url);
    await page.getByTestId('step-rl').click();
    await page.getByTestId(`artifact-${launch.id}`).click();
    await page.getByTestId(`rename-${launch.id}`).click();
    await page.getByTestId('artifact-rename-input').fill('first GiGPO try');
    await page.getByTestId('artifact-rename-save').click();
    await expect.poll(() => page.getByTestId(`artifact-${launch.id}`).innerText()).toContain('first GiGPO try');
    expect((await list('rl-launch'))[0]!.name).toBe('first GiGPO try');
  });

  it('refuses to delete the merged model the launch folder was made from, naming it', async () => {
    await page.getByTestId(`artifact-${merged.id}`).click();
    await page.getByTestId(`delete-${merged.id}`).click();
    await page.getByTestId('artifact-delete-confirm').click();
    await expect.poll(() => page.getByTestId('artifact-error').textContent()).toContain('“first GiGPO try” (rl-launch) was made from it');
    await shot('outputs-01-delete-refused');
    expect(await list('merged-model')).toHaveLength(1);
  });

  it('deletes the launch folder with its files', async () => {
    // Still selected (its details open) since the rename.
    await page.getByTestId(`delete-${launch.id}`).click();
    await page.getByTestId('artifact-delete-confirm').click();
    await expect.poll(() => page.getByTestId(`artifact-${launch.id}`).count()).toBe(0);
    expect(existsSync(launch.path)).toBe(false);
    await shot('outputs-02-deleted');
  });
});
