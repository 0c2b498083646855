/// <reference lib="dom" />
// Evaluate in Chromium against server mode: on the Train step, two checkpoints (PEFT adapters of a tiny
// real-layout Qwen3-VL), the base and the expert are played by the native engine on the same Blackjack levels; the
// comparison table and bar chart appear, the best engine policy is marked, and its button opens Merge with
// that checkpoint chosen. Screenshots in light and dark.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Artifact, EvaluationResult } from '../../preload/contract';
import { engineState } from '../../main/core/native/engine';
import { Studio } from '../../main/core/studio';
import { startServer, type RunningServer } from '../../main/server/server';
import { launchChromium } from '../helpers/browser';
import { fileScopedDir, makePeftAdapter, makeTinyModel } from '../helpers/tinyEngineModel';

const SHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
const run = engineState().loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const root = fileScopedDir();
let browser: Browser;
let studio: Studio;
let server: RunningServer;
let page: Page;
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled', fullPage: true });

beforeAll(async () => {
  if (!engineState().loaded) return;
  mkdirSync(SHOTS, { recursive: true });
  const model = await makeTinyModel(join(root.dir, 'tiny-qwen3-vl'));
  const ckpts = [await makePeftAdapter(model, join(root.dir, 'checkpoint-10'), 31), await makePeftAdapter(model, join(root.dir, 'checkpoint-20'), 32)];
  studio = new Studio({ shell: 'server', configDir: join(root.dir, 'config'), concurrency: 2 });
  server = await startServer(studio, { port: 0 });
  await studio.api.handle('project.create', { dir: join(root.dir, 'project'), name: 'Evaluate' });
  const { runner } = studio.requireProject();
  runner.start('artifact.import', { path: model, kind: 'base-model', mode: 'reference' });
  for (const c of ckpts) runner.start('artifact.import', { path: c, kind: 'adapter', mode: 'reference' });
  await runner.idle();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await studio?.dispose();
  root.remove();
});

describe('Evaluate card', () => {
  run(
    'evaluates two checkpoints and the base, shows the comparison, and hands the best checkpoint to Merge',
    async () => {
      await page.goto(server.url);
      await page.getByTestId('step-train').click();
      const card = page.getByTestId('evaluate-card-train');
      await card.getByTestId('evaluate-checkpoint-checkpoint-10').check();
      await card.getByTestId('evaluate-checkpoint-checkpoint-20').check();
      await card.getByTestId('evaluate-expert').check();
      await card.getByLabel('Game').selectOption('blackjack');
      await card.getByTestId('evaluate-levels').fill('3');
      await card.getByTestId('evaluate-max-turns').fill('2');
      await card.getByTestId('evaluate-max-tokens').fill('8');
      await shot('evaluate-01-form');
      await card.getByTestId('evaluate-submit').click();
      await card.getByTestId('evaluation-result').waitFor({ timeout: 240_000 });
      const { runner, project } = studio.requireProject();
      await runner.idle();
      const out = project.store
        .listArtifacts(['file'])
        .map((r) => JSON.parse(r.meta_json) as Artifact['meta'])
        .find((m) => m.evaluation)!;
      const result = out.evaluation as EvaluationResult;
      expect(result.policies.map((p) => p.kind)).toEqual(['expert', 'base', 'adapter', 'adapter']);
      expect(result.seeds).toEqual([100_000, 100_001, 100_002]);
      await expect.poll(() => card.getByTestId('evaluation-row-adapter').count()).toBe(2);
      expect(await card.getByTestId('evaluation-chart').getAttribute('data-bars')).toBe('4');
      const best = result.policies.find((p) => p.key === result.best)!;
      expect(await card.locator('tr', { has: page.getByTestId('evaluation-best') }).textContent()).toContain(best.label);
      await card.getByTestId('evaluation-result').scrollIntoViewIfNeeded();
      await shot('evaluate-02-result-light');
      await studio.api.handle('app.setTheme', { theme: 'dark' });
      await page.reload();
      await page.getByTestId('step-train').click();
      await page.getByTestId('evaluation-result').waitFor();
      await page.getByTestId('evaluation-result').scrollIntoViewIfNeeded();
      await shot('evaluate-03-result-dark');
      await studio.api.handle('app.setTheme', { theme: 'light' });
      // The best checkpoint's button (or, when the base came out best, a checkpoint row's own) opens Merge with it chosen.
      const target = best.kind === 'adapter' ? best : result.policies.find((p) => p.label === 'checkpoint-20')!;
      await page.getByTestId(best.kind === 'adapter' ? 'evaluation-merge-best' : `evaluation-merge-${target.label}`).click();
      await expect.poll(() => page.getByTestId('merge-adapter-select').inputValue()).toBe(target.artifactId);
      await shot('evaluate-04-merge-preselected');
    },
    400_000,
  );

  run(
    'the Rollout form plays with the engine: a model of the project + a checkpoint on top',
    async () => {
      await page.getByTestId('step-rollout').click();
      await page.getByTestId('rollout-policy-select').selectOption('engine');
      const adapter = page.getByTestId('rollout-engine-adapter');
      await adapter.selectOption({ label: (await adapter.locator('option', { hasText: 'checkpoint-10' }).textContent())! });
      await page.getByTestId('rollout-tasks').fill('2');
      await page.getByTestId('rollout-settings').fill('{"maxTurns": 2, "fitTurnLimit": false}');
      await page.getByTestId('rollout-max-tokens').fill('8');
      await shot('evaluate-05-rollout-engine-form');
      await page.getByTestId('rollout-submit').click();
      const { runner, project } = studio.requireProject();
      await expect.poll(() => project.store.listRuns().some((r) => r.kind === 'rollout.run'), { timeout: 20_000 }).toBe(true);
      await runner.idle();
      const row = project.store.listRuns().find((r) => r.kind === 'rollout.run')!;
      expect([row.status, row.error]).toEqual(['succeeded', null]);
      const policy = (JSON.parse(row.config_json) as { policy: Record<string, unknown> }).policy;
      const ckpt = project.store.listArtifacts(['adapter']).find((a) => a.name === 'checkpoint-10')!;
      const base = project.store.listArtifacts(['base-model'])[0]!;
      expect(policy).toMatchObject({ type: 'engine', modelArtifactId: base.id, adapterArtifactId: ckpt.id, maxTokens: 8 });
      expect(
        project.store
          .runInputs(row.id)
          .map((a) => a.id)
          .sort(),
      ).toEqual([base.id, ckpt.id].sort());
    },
    200_000,
  );
});
