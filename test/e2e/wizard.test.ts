/// <reference lib="dom" />
// End to end in real Chromium against server mode: create a project, walk the
// seven steps, run a job to 100 %, cancel another, reload and restart.
import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Artifact, EvaluationResult } from '../../preload/contract';
import { Studio } from '../../main/core/studio';
import { startServer, type RunningServer } from '../../main/server/server';
import { launchChromium } from '../helpers/browser';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../helpers/checkpoints';
import { startFakeHub } from '../helpers/fakeHub';
import { makeTinyOnnxModel } from '../helpers/onnx/tinyOnnxModel';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const SHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
const STEPS = ['rollout', 'filter', 'convert', 'train', 'upload', 'merge', 'rl'] as const;

/** A model folder whose weights are a sparse file: real bytes to hash, no disk used. */
function sparseModel(parent: string, name: string, bytes: number): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'qwen3_vl' }));
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return dir;
}

let browser: Browser;
let studio: Studio;
let server: RunningServer;
let page: Page;
let home: string;
let work: string;
const consoleErrors: string[] = [];

async function boot(): Promise<void> {
  studio = new Studio({ shell: 'server', configDir: home, concurrency: 2 });
  server = await startServer(studio, { port: 0 });
}

// Transitions are finished first, so a shot never catches a label or a button halfway.
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });

/** The merged model inside the project: the Merge step's export registers a same-named copy outside it. */
async function mergedInProject(): Promise<Artifact> {
  const all = (await studio.api.handle('artifacts.list', { kinds: ['merged-model'] })) as Artifact[];
  const found = all.find((a) => a.inProject && a.name === 'sokoban-merged');
  if (!found) throw new Error(`no in-project sokoban-merged among ${all.map((a) => a.path).join(', ')}`);
  return found;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Lives for the whole file (helpers' tempDir is per test).
  home = mkdtempSync(join(tmpdir(), 'studio-e2e-home-'));
  work = mkdtempSync(join(tmpdir(), 'studio-e2e-'));
  await boot();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A reconnect attempt while the core restarts is expected to fail once; anything else is a defect.
  page.on('console', (m) => m.type() === 'error' && !/WebSocket connection to .* failed/.test(m.text()) && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await studio?.dispose();
  for (const d of [home, work]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('studio wizard in Chromium', () => {
  const projectDir = () => join(work, 'sokoban-project');

  it('creates a project from the project screen', async () => {
    await page.goto(server.url);
    await page.getByTestId('project-dir-input').locator('input').fill(projectDir());
    await page.getByTestId('project-name-input').locator('input').fill('Sokoban SFT');
    await shot('01-project-screen');
    await page.getByTestId('create-project').click();
    await expect.poll(() => page.getByTestId('current-project-name').textContent()).toContain('Sokoban SFT');
  });

  it('shows a clear error for a folder that is not a project', async () => {
    await page.getByTestId('close-project').click();
    await page.getByTestId('open-dir-input').locator('input').fill(work);
    await page.getByTestId('open-project').click();
    await expect.poll(() => page.getByTestId('project-error').textContent()).toContain('is not a studio project');
    await shot('02-not-a-project');
    await page.getByTestId('recent-project-0').click();
    await expect.poll(() => page.getByTestId('current-project-name').textContent()).toContain('Sokoban SFT');
  });

  it('walks all seven steps, each showing inputs, settings and its own actions', async () => {
    for (const [i, id] of STEPS.entries()) {
      await page.getByTestId(`step-${id}`).click();
      const stepPage = page.getByTestId(`step-page-${id}`);
      await stepPage.waitFor();
      await shot(`03-step-${i + 1}-${id}`);
      // Every step is built: none says its actions are still to come.
      expect(await stepPage.getByTestId('step-pending').count()).toBe(0);
    }
    // Keyboard: Alt+1 jumps to the first step.
    await page.keyboard.press('Alt+1');
    await page.getByTestId('step-page-rollout').waitFor();
  });

  it('runs an import job to 100 % and cancels another mid-way', async () => {
    const small = sparseModel(work, 'qwen3-vl-tiny', 768 * 1024 * 1024);
    const huge = sparseModel(work, 'qwen3-vl-huge', 64 * 1024 * 1024 * 1024);
    await page.getByTestId('step-merge').click();
    await page.getByTestId('step-page-merge').waitFor();
    const jobs = page.getByTestId('jobs-panel');
    if (!(await jobs.isVisible())) await page.getByTestId('nav-jobs').click();

    await page.getByTestId('import-path-input').locator('input').fill(small);
    await page.getByTestId('import-kind-select').selectOption('base-model');
    await page.getByTestId('import-submit').click();
    const firstRow = jobs.locator('[data-testid^="job-"][data-status]').first();
    await firstRow.waitFor();
    const firstId = (await firstRow.getAttribute('data-testid'))!.replace(/^job-/, '');
    await expect.poll(() => page.getByTestId(`job-${firstId}`).getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    expect(await page.getByTestId(`job-progress-${firstId}`).getAttribute('aria-valuenow')).toBe('100');
    await shot('04-job-succeeded');

    await page.getByTestId('import-path-input').locator('input').fill(huge);
    await page.getByTestId('import-submit').click();
    await expect.poll(async () => jobs.locator('[data-testid^="job-"][data-status="running"]').count(), { timeout: 20_000 }).toBe(1);
    const running = jobs.locator('[data-testid^="job-"][data-status="running"]').first();
    const secondId = (await running.getAttribute('data-testid'))!.replace(/^job-/, '');
    await expect.poll(async () => Number(await page.getByTestId(`job-progress-${secondId}`).getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot('05-job-running');
    await page.getByTestId(`job-cancel-${secondId}`).click();
    await expect.poll(() => page.getByTestId(`job-${secondId}`).getAttribute('data-status'), { timeout: 20_000 }).toBe('cancelled');
    await shot('06-job-cancelled');

    // The imported model is now an input of the Merge step.
    await expect.poll(() => page.getByTestId('step-page-merge').textContent()).toContain('qwen3-vl-tiny');
    (globalThis as Record<string, unknown>).__jobIds = [firstId, secondId];
  });

  it('keeps project, step and job states across a reload and a restart of the core', async () => {
    const [firstId, secondId] = (globalThis as Record<string, unknown>).__jobIds as string[];
    await page.reload();
    await page.getByTestId('step-page-merge').waitFor();
    if (!(await page.getByTestId('jobs-panel').isVisible())) await page.getByTestId('nav-jobs').click();
    await expect.poll(() => page.getByTestId(`job-${firstId}`).getAttribute('data-status')).toBe('succeeded');
    await expect.poll(() => page.getByTestId(`job-${secondId}`).getAttribute('data-status')).toBe('cancelled');

    // Restart the core (as after quitting the app): the project comes back from recents.
    await server.close();
    await studio.dispose();
    await boot();
    await page.goto(server.url);
    await page.getByTestId('recent-project-0').click();
    await page.getByTestId('step-page-merge').waitFor();
    if (!(await page.getByTestId('jobs-panel').isVisible())) await page.getByTestId('nav-jobs').click();
    await expect.poll(() => page.getByTestId(`job-${firstId}`).getAttribute('data-status')).toBe('succeeded');
    await expect.poll(() => page.getByTestId(`job-${secondId}`).getAttribute('data-status')).toBe('cancelled');
    await shot('07-after-restart');
  });

  it('runs an expert rollout, filters, reviews with the keyboard and exports the accepted set', async () => {
    await page.getByTestId('step-rollout').click();
    await page.getByTestId('rollout-tasks').fill('4');
    await page.getByTestId('rollout-samples').fill('1');
    await page.getByTestId('rollout-submit').click();
    const jobs = page.getByTestId('jobs-panel');
    const row = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'Rollout' }).first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    await shot('08-rollout-done');

    await page.getByTestId('step-filter').click();
    await expect.poll(() => page.getByTestId('filter-counts').textContent(), { timeout: 15_000 }).toContain('4 of 4 pass the rules');
    const panel = page.getByTestId('review-panel');
    await page.getByTestId('review-row-0').click();
    await expect.poll(() => page.getByTestId('review-turn-label').textContent()).toMatch(/Turn 1 \/ \d+/);
    await expect.poll(async () => (await page.getByTestId('review-frame').getAttribute('src')) ?? '').toMatch(/^data:image\/png;base64,/);
    await panel.focus();
    await page.keyboard.press('j');
    await expect.poll(() => page.getByTestId('review-turn-label').textContent()).toMatch(/Turn 2 \//);
    await page.keyboard.press('k');
    await expect.poll(() => page.getByTestId('review-turn-label').textContent()).toMatch(/Turn 1 \//);
    await page.keyboard.press('r');
    await expect.poll(() => page.getByTestId('review-decision').textContent()).toBe('rejected');
    await expect.poll(() => page.getByTestId('filter-counts').textContent()).toContain('3 accepted after decisions');
    await page.keyboard.press('n');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe('Trajectory 2 of 4 listed');
    await page.keyboard.press('e');
    await page.getByTestId('review-note-input').fill('clean solve');
    await page.getByTestId('review-note-save').click();
    await expect.poll(() => page.getByTestId('review-note').textContent()).toContain('clean solve');
    await shot('09-review');

    await page.getByTestId('export-name-input').fill('sokoban-accepted');
    await page.getByTestId('export-dataset-submit').click();
    const exp = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'sokoban-accepted' }).first();
    await expect.poll(() => exp.getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    await expect.poll(() => page.getByTestId('step-page-filter').textContent()).toContain('sokoban-accepted');
  });

  it('previews and converts the accepted set to Parquet on the Convert step', async () => {
    await page.getByTestId('step-convert').click();
    const stepPage = page.getByTestId('step-page-convert');
    await expect.poll(async () => page.getByTestId('convert-dataset-select').locator('option', { hasText: 'sokoban-accepted' }).count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('convert-dataset-select').selectOption({ index: 1 });
    await page.getByTestId('convert-preview').click();
    await expect.poll(() => page.getByTestId('convert-stats').textContent(), { timeout: 15_000 }).toMatch(/samples \(\d+ train, \d+ validation\) from 3 episodes/);
    const first = page.getByTestId('convert-sample').first();
    await expect.poll(async () => (await first.getByTestId('convert-sample-image').getAttribute('src')) ?? '').toMatch(/^data:image\/png;base64,/);
    expect(await first.locator('[data-loss="true"]').count()).toBeGreaterThan(0);
    expect(await first.locator('[data-loss="true"]').first().textContent()).toContain('<action>');
    await expect.poll(() => first.getByTestId('convert-sample-tokens').textContent()).toMatch(/\+ 66 image\)/);
    await page.getByTestId('convert-token-hist').locator('canvas').waitFor();
    await shot('10-convert-preview');
    // A bad number is named before anything is started.
    await page.getByTestId('convert-max-tokens-input').fill('12');
    await page.getByTestId('convert-submit').click();
    await expect.poll(() => page.getByTestId('convert-error').textContent()).toContain('Max tokens: must be at least 64');
    await page.getByTestId('convert-max-tokens-input').fill('8192');
    await page.getByTestId('convert-name-input').fill('sokoban-trl');
    await page.getByTestId('convert-submit').click();
    const jobs = page.getByTestId('jobs-panel');
    const row = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'Convert to Parquet' }).first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    await expect.poll(() => stepPage.textContent(), { timeout: 15_000 }).toContain('sokoban-trl');
    await shot('11-converted');
  });

  it('trains a tiny model from the wizard (packed, checkpointed) with live charts, pauses, resumes and lists the checkpoint', async () => {
    const model = join(work, 'tiny-train-base');
    makeQwen3VLCheckpoint(model, { dtype: 'F32', shards: 1, init: 'realistic', seed: 9 });
    await page.getByTestId('step-train').click();
    const stepPage = page.getByTestId('step-page-train');
    await page.getByTestId('import-path-input').locator('input').fill(model);
    await page.getByTestId('import-kind-select').selectOption('base-model');
    await page.getByTestId('import-submit').click();
    await expect.poll(async () => page.getByTestId('train-base-select').locator('option', { hasText: 'tiny-train-base' }).count(), { timeout: 30_000 }).toBe(1);
    await page
      .getByTestId('train-base-select')
      .selectOption({ label: (await page.getByTestId('train-base-select').locator('option', { hasText: 'tiny-train-base' }).textContent())! });
    await page.getByTestId('train-dataset-select').selectOption({ index: 1 });
    // The default (notebook) preset says cuda; where the engine sees no CUDA the form starts on cpu and says why.
    if (!((await studio.api.handle('train.devices', {})) as { cuda: boolean }).cuda) {
      await expect.poll(() => page.getByTestId('train-device-input').inputValue(), { timeout: 15_000 }).toBe('cpu');
      await expect.poll(() => page.getByTestId('train-device-note').textContent(), { timeout: 15_000 }).toContain('Device set to cpu: ');
    }
    await page.getByTestId('train-preset-select').selectOption('cpu-check');
    await expect.poll(() => page.getByTestId('train-memory').textContent(), { timeout: 15_000 }).toMatch(/About [\d.]+ GB: weights/);
    await page.getByTestId('train-max-steps-input').fill('12');
    await page.getByTestId('train-save-every-input').fill('0');
    await page.getByTestId('train-name-input').fill('e2e-lora');
    await page.getByTestId('train-checkpointing-select').selectOption('on');
    await page.getByTestId('train-packing-select').selectOption('on');
    await page.getByTestId('train-submit').click();
    const jobs = page.getByTestId('jobs-panel');
    const row = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'Train LoRA' }).first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('running');
    const runId = (await row.getAttribute('data-testid'))!.replace(/^job-/, '');
    // The loss chart fills in as steps report.
    await expect.poll(async () => Number(await page.getByTestId('train-chart-loss').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    // No validation loss yet (evaluated only at the end): no legend entry without points.
    expect(await page.getByTestId('train-chart-loss').getAttribute('data-series')).toBe('train');
    await shot('12-training');
    await page.getByTestId('train-pause').click();
    // Pause is its own state, not a cancel.
    await expect.poll(() => page.getByTestId(`job-${runId}`).getAttribute('data-status'), { timeout: 60_000 }).toBe('paused');
    const paused = (await studio.api.handle('jobs.get', { runId })) as { config: Record<string, unknown> };
    expect(paused.config).toMatchObject({ gradientCheckpointing: true, packing: true, packTokens: 4096 });
    await expect.poll(() => stepPage.textContent(), { timeout: 15_000 }).toContain('e2e-lora');
    await page.getByTestId('train-resume').click();
    const resumed = jobs.locator('[data-testid^="job-"][data-status]', { hasText: '(resumed)' }).first();
    await expect.poll(() => resumed.getAttribute('data-status'), { timeout: 120_000 }).toBe('succeeded');
    await expect.poll(() => page.getByTestId('train-latest').textContent(), { timeout: 15_000 }).toMatch(/succeeded, step 12, loss/);
    await expect.poll(() => stepPage.textContent(), { timeout: 15_000 }).toContain('step 12');
    await shot('13-trained');
  }, 240_000);

  it('evaluates two checkpoints of the run it trained, on levels its training rollout played (named so), with lineage', async () => {
    await page.getByTestId('step-train').click();
    const card = page.getByTestId('evaluate-card-train');
    const picker = card.getByTestId('evaluate-base');
    await picker.selectOption({ label: (await picker.locator('option', { hasText: 'tiny-train-base' }).textContent())! });
    const { project, runner } = studio.requireProject();
    const trained = project.store.listArtifacts(['adapter']).filter((a) => a.name.startsWith('e2e-lora'));
    expect(trained.length).toBeGreaterThanOrEqual(2);
    const two = trained.slice(0, 2);
    for (const a of two) await card.getByTestId(`evaluate-checkpoint-${a.name}`).check();
    await card.getByTestId('evaluate-levels').fill('2');
    await card.getByTestId('evaluate-seed').fill('0');
    await card.getByTestId('evaluate-max-turns').fill('2');
    await card.getByTestId('evaluate-max-tokens').fill('8');
    await card.getByTestId('evaluate-submit').click();
    await card.getByTestId('evaluation-result').waitFor({ timeout: 180_000 });
    await runner.idle();
    const run = project.store.listRuns().find((r) => r.kind === 'evaluate.run')!;
    expect([run.status, run.error]).toEqual(['succeeded', null]);
    const result = project.store
      .listArtifacts(['file'])
      .map((r) => JSON.parse(r.meta_json) as Artifact['meta'])
      .find((m) => m.evaluation)!.evaluation as EvaluationResult;
    expect(result.policies.map((p) => p.kind)).toEqual(['base', 'adapter', 'adapter']);
    expect(result.policies.filter((p) => p.kind === 'adapter').map((p) => p.artifactId)).toEqual(two.map((a) => a.id));
    // The wizard's rollout played seeds 0–3 and its episodes trained these checkpoints: found through lineage.
    expect(result.overlap.seeds.length).toBeGreaterThan(0);
    await expect.poll(() => card.getByTestId('evaluation-overlap').textContent()).toContain('were played by the training data’s rollouts');
    expect(project.store.runInputs(run.id).map((a) => a.id)).toEqual(expect.arrayContaining(two.map((a) => a.id)));
    await card.getByTestId('evaluation-result').scrollIntoViewIfNeeded();
    await shot('13b-evaluated');
  }, 240_000);

  it('merges an adapter into a base model from the Merge step and exports the folder', async () => {
    const base = join(work, 'tiny-qwen3-vl');
    const adapter = join(work, 'tiny-adapter');
    makeLoraAdapter(adapter, makeQwen3VLCheckpoint(base, { shards: 2 }), { r: 8, alpha: 16 });
    await page.getByTestId('step-merge').click();
    const stepPage = page.getByTestId('step-page-merge');
    for (const [path, kind] of [
      [base, 'base-model'],
      [adapter, 'adapter'],
    ] as const) {
      await page.getByTestId('import-path-input').locator('input').fill(path);
      await page.getByTestId('import-kind-select').selectOption(kind);
      await page.getByTestId('import-submit').click();
      await expect.poll(() => stepPage.textContent(), { timeout: 30_000 }).toContain(path.split('/').pop()!);
    }
    await expect.poll(async () => page.getByTestId('merge-base-select').locator('option', { hasText: 'tiny-qwen3-vl' }).count()).toBe(1);
    await page
      .getByTestId('merge-base-select')
      .selectOption({ label: (await page.getByTestId('merge-base-select').locator('option', { hasText: 'tiny-qwen3-vl' }).textContent())! });
    await page.getByTestId('merge-adapter-select').selectOption({ index: 1 });
    await page.getByTestId('merge-name-input').fill('sokoban-merged');
    await page.getByTestId('merge-submit').click();
    const jobs = page.getByTestId('jobs-panel');
    const row = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'Merge' }).first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    await expect.poll(async () => page.getByTestId('export-artifact-select').locator('option', { hasText: 'sokoban-merged' }).count()).toBe(1);
    await shot('14-merged');
    const dest = join(work, 'exported-model');
    await page.getByTestId('export-artifact-select').selectOption({ index: 1 });
    await page.getByTestId('export-dest-input').locator('input').fill(dest);
    await page.getByTestId('export-submit').click();
    await expect.poll(() => existsSync(join(dest, 'model.safetensors.index.json')), { timeout: 30_000 }).toBe(true);
    expect(readdirSync(dest)).toEqual(expect.arrayContaining(['config.json', 'README.md', 'tokenizer.json', 'model-00001-of-00001.safetensors']));
    await shot('15-exported');
  });

  it('signs in to a hub on the Upload step, uploads the merged model and signs out', async () => {
    const token = 'hf_' + 'e2e'.repeat(8);
    const hub = await startFakeHub({ token });
    try {
      await page.getByTestId('step-upload').click();
      const stepPage = page.getByTestId('step-page-upload');
      await stepPage.waitFor();
      await page.getByTestId('hub-token-input').fill(token);
      await page.getByTestId('hub-endpoint-input').fill(hub.url);
      await page.getByTestId('hub-signin').click();
      await expect.poll(() => page.getByTestId('hub-status').textContent(), { timeout: 15_000 }).toContain('Signed in as tester');
      expect(await page.getByTestId('hub-status').textContent()).toContain(hub.url);
      // The typed token is gone from the page once the core holds it.
      expect(await page.getByTestId('hub-token-input').count()).toBe(0);
      expect(await page.content()).not.toContain(token);

      const merged = await mergedInProject();
      const select = page.getByTestId('upload-artifact-select');
      await expect.poll(async () => select.locator(`option[value="${merged.id}"]`).count(), { timeout: 15_000 }).toBe(1);
      await select.selectOption(merged.id);
      await page.getByTestId('upload-repo-input').fill('e2e-model');
      await expect.poll(() => page.getByTestId('upload-submit').isEnabled()).toBe(true);
      expect(await page.getByTestId('upload-private-checkbox').isChecked()).toBe(true);
      expect(await page.getByTestId('upload-create-checkbox').isChecked()).toBe(true);
      await shot('16-upload-signed-in');
      await page.getByTestId('upload-submit').click();
      const jobs = page.getByTestId('jobs-panel');
      const row = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'Upload to e2e-model' }).first();
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');

      await expect.poll(() => page.getByTestId('upload-list').textContent(), { timeout: 15_000 }).toContain('tester/e2e-model');
      const link = page.getByTestId('upload-list').locator('a[data-testid^="upload-link-"]').first();
      expect(await link.getAttribute('href')).toMatch(new RegExp(`^${hub.url}/tester/e2e-model/commit/[0-9a-f]+$`));
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noreferrer');
      const repo = hub.repos.get('tester/e2e-model');
      expect(repo?.private).toBe(true);
      const files = [...(repo?.files.keys() ?? [])];
      expect(files).toEqual(expect.arrayContaining(['README.md', 'config.json', 'model.safetensors.index.json']));
      expect(files.some((f) => f.endsWith('.safetensors'))).toBe(true);
      expect(hub.problems).toEqual([]);
      await shot('17-uploaded');

      await page.getByTestId('hub-signout').click();
      await page.getByTestId('hub-token-input').waitFor();
      expect(await page.getByTestId('upload-submit').isDisabled()).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it('writes a GiGPO launch folder for the merged model on the RL step', async () => {
    await page.getByTestId('step-rl').click();
    const stepPage = page.getByTestId('step-page-rl');
    await stepPage.waitFor();
    const merged = await mergedInProject();
    const select = page.getByTestId('rl-model-select');
    await expect.poll(async () => select.locator(`option[value="${merged.id}"]`).count(), { timeout: 15_000 }).toBe(1);
    await select.selectOption(merged.id);
    await page.getByTestId('rl-game-select').selectOption('sokoban');
    // A bad number is named before anything is started.
    await page.getByTestId('rl-group-size-input').fill('0');
    await page.getByTestId('rl-submit').click();
    await expect.poll(() => page.getByTestId('rl-error').textContent()).toContain('Group size: must be at least 1');
    await page.getByTestId('rl-group-size-input').fill('8');
    await page.getByTestId('rl-gpus-per-node-input').fill('2');
    await page.getByTestId('rl-submit').click();
    const jobs = page.getByTestId('jobs-panel');
    const row = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'GiGPO launch folder (sokoban)' }).first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    await expect.poll(() => page.getByTestId('rl-launch-list').textContent(), { timeout: 15_000 }).toContain('sokoban-merged-gigpo-sokoban');

    // The folder on disk points at the merged model by its absolute path.
    expect(merged.path.startsWith(join(projectDir(), 'artifacts', 'merged'))).toBe(true);
    const launchRoot = join(projectDir(), 'artifacts', 'rl');
    const launch = readdirSync(launchRoot).find((d) => d.startsWith('sokoban-merged-gigpo-sokoban-'));
    expect(launch).toBeTruthy();
    expect(await page.getByTestId('rl-launch-list').textContent()).toContain(join(launchRoot, launch!));
    const script = readFileSync(join(launchRoot, launch!, 'run_gigpo.sh'), 'utf8');
    expect(script).toContain(`MERGED_MODEL='${merged.path}'`);
    expect(script).toContain('N_GPUS_PER_NODE="${N_GPUS_PER_NODE:-2}"');
    await shot('18-rl-handoff');
  });

  it('plays Sokoban with a local ONNX model: provider chosen on the System page, export imported and evaluated on the Rollout step', async () => {
    const tiny = makeTinyOnnxModel(join(work, 'tiny-qwen-vl-onnx'), { seed: 5 });
    await page.getByTestId('nav-system').click();
    await expect.poll(() => page.getByTestId('system-onnx-cpu').textContent(), { timeout: 15_000 }).toContain('bundled with onnxruntime-node');
    await page.getByTestId('system-onnx-provider').selectOption('cpu');
    await expect.poll(() => studio.appState.snapshot().onnxProvider).toBe('cpu');
    await shot('21-system-onnx');

    await page.getByTestId('step-rollout').click();
    const jobs = page.getByTestId('jobs-panel');
    if (!(await jobs.isVisible())) await page.getByTestId('nav-jobs').click();
    await page.getByTestId('import-path-input').locator('input').fill(tiny.dir);
    await page.getByTestId('import-kind-select').selectOption('onnx-model');
    await page.getByTestId('import-submit').click();
    const imported = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'tiny-qwen-vl-onnx' }).first();
    await expect.poll(() => imported.getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');

    await page.getByTestId('onnx-evaluate-tasks').fill('2');
    await page.getByTestId('onnx-evaluate-tiny-qwen-vl-onnx').click();
    const evalRow = jobs.locator('[data-testid^="job-"][data-status]', { hasText: 'eval tiny-qwen-vl-onnx' }).first();
    await expect.poll(() => evalRow.getAttribute('data-status'), { timeout: 120_000 }).toBe('succeeded');
    await shot('22-onnx-evaluated');
    const runId = (await evalRow.getAttribute('data-testid'))!.replace(/^job-/, '');
    const detail = (await studio.api.handle('jobs.get', { runId })) as { config: { policy: Record<string, unknown> }; inputs: Artifact[] };
    expect(detail.config.policy).toMatchObject({ type: 'onnx', provider: 'cpu', temperature: 0 }); // the System page's choice, recorded
    expect(detail.inputs.map((a) => a.kind)).toEqual(['onnx-model']);
  }, 180_000);

  it('shows the System page and switches theme', async () => {
    await page.getByTestId('nav-system').click();
    await page.getByTestId('system-page').waitFor();
    await expect.poll(() => page.getByTestId('system-addon-status').textContent(), { timeout: 15_000 }).toMatch(/loaded|unavailable/i);
    await shot('19-system');
    const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(before);
    await shot('20-theme-toggled');
    expect(consoleErrors).toEqual([]);
  });
});
