/// <reference lib="dom" />
// Every step's form in Chromium at 1440×900: a refused value marks its field with a message a user
// reads (no method names or config paths), the cluster export sends the Train form's settings, and
// no select value or field label is cut or drawn over its value, in light and dark.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Artifact, StepId } from '../../preload/contract';
import { Studio } from '../../main/core/studio';
import { type RunningServer } from '../../main/server/server';
import { closeStudio, openPage, screenshot, startStudio } from '../helpers/browserStudio';
import { makeQwen3VLCheckpoint } from '../helpers/checkpoints';

let browser: Browser;
let studio: Studio;
let server: RunningServer;
let page: Page;
let root: string;
const shot = (name: string) => screenshot(page, name, true);
const list = (kind: string) => studio.api.handle('artifacts.list', { kinds: [kind] }) as Promise<Artifact[]>;
const INTERNAL = /jobs\.start|invalid (params|config)|config\.|policy\.|lora\.|split\.|tensorParallelSize|gpusPerNode/;

beforeAll(async () => {
  ({ root, studio, server } = await startStudio('studio-forms-', 'Forms'));
  makeQwen3VLCheckpoint(join(root, 'base'), { shards: 1 });
  makeQwen3VLCheckpoint(join(root, 'merged'), { shards: 1, seed: 2 });
  const { runner } = studio.requireProject();
  runner.start('artifact.import', { path: join(root, 'base'), kind: 'base-model', mode: 'reference', name: 'tiny-base' });
  runner.start('artifact.import', { path: join(root, 'merged'), kind: 'merged-model', mode: 'reference', name: 'tiny-merged' });
  runner.start('rollout.run', { name: 'expert', tasks: 2, samplesPerTask: 1, seed: 3 });
  await runner.idle();
  const trajectories = (await list('trajectories'))[0]!;
  runner.start('convert.run', { datasetArtifactId: trajectories.id, name: 'sokoban-trl', split: { by: 'ratio', validation: 0.5, values: [], seed: 0 } });
  await runner.idle();
  expect(await list('dataset-parquet')).toHaveLength(1);
  ({ browser, page } = await openPage());
  await page.goto(server.url);
});

afterAll(() => closeStudio({ browser, server, studio, root }));

/** The field's state as drawn: aria-invalid on the input, and the helper text under it. */
async function fieldState(testId: string): Promise<{ invalid: string | null; helper: string }> {
  return page.getByTestId(testId).evaluate((el) => ({
    invalid: el.getAttribute('aria-invalid'),
    helper: el.closest('.MuiFormControl-root')?.querySelector('.MuiFormHelperText-root')?.textContent ?? '',
  }));
}

async function expectMarked(testId: string, message: string | RegExp): Promise<void> {
  await expect.poll(() => fieldState(testId).then((s) => s.invalid)).toBe('true');
  const { helper } = await fieldState(testId);
  if (typeof message === 'string') expect(helper).toBe(message);
  else expect(helper).toMatch(message);
  expect(helper).not.toMatch(INTERNAL);
}

async function expectAlert(testId: string, ...parts: string[]): Promise<void> {
  await expect.poll(() => page.getByTestId(testId).count()).toBe(1);
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  for (const p of parts) expect(text).toContain(p);
  expect(text).not.toMatch(INTERNAL);
}

// What is cut on screen: a native select whose chosen option is wider than its box (text width measured
// in the select's own font), an MUI Select or input whose text overflows, a floating label cut with an
// ellipsis, and a label left inside a control that shows a value (drawn over it).
type Cut = { what: string; label: string; text: string; need: number; have: number };
async function cutControls(): Promise<Cut[]> {
  return page.evaluate(() => {
    const out: Cut[] = [];
    const ctx = document.createElement('canvas').getContext('2d')!;
    const visible = (el: Element) => (el as HTMLElement).offsetParent !== null && el.getBoundingClientRect().width > 0;
    const labelOf = (el: Element) => el.closest('.MuiFormControl-root')?.querySelector('label')?.textContent ?? el.getAttribute('data-testid') ?? '';
    for (const s of Array.from(document.querySelectorAll('select'))) {
      if (!visible(s)) continue;
      const cs = getComputedStyle(s);
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const text = s.selectedOptions[0]?.text ?? '';
      const need = ctx.measureText(text).width;
      const have = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      if (need > have + 0.5) out.push({ what: 'select value', label: labelOf(s), text, need, have });
    }
    for (const d of Array.from(document.querySelectorAll('.MuiSelect-select, input.MuiInputBase-input'))) {
      if (!visible(d) || (d as HTMLInputElement).type === 'checkbox') continue;
      if (d.scrollWidth > d.clientWidth + 1)
        out.push({ what: 'value', label: labelOf(d), text: (d as HTMLInputElement).value ?? d.textContent ?? '', need: d.scrollWidth, have: d.clientWidth });
    }
    for (const l of Array.from(document.querySelectorAll('label.MuiInputLabel-root'))) {
      if (!visible(l)) continue;
      if (l.scrollWidth > l.clientWidth + 1) out.push({ what: 'label cut', label: l.textContent ?? '', text: '', need: l.scrollWidth, have: l.clientWidth });
      if (!l.classList.contains('MuiInputLabel-shrink')) {
        const control = l.closest('.MuiFormControl-root')?.querySelector('select, input, textarea') as HTMLInputElement | HTMLSelectElement | null;
        // (A placeholder is hidden while the label sits inside the field.)
        const shown = control instanceof HTMLSelectElement ? (control.selectedOptions[0]?.text ?? '') : (control?.value ?? '');
        if (shown) out.push({ what: 'label over value', label: l.textContent ?? '', text: shown, need: 0, have: 0 });
      }
    }
    return out;
  });
}

async function open(step: StepId): Promise<void> {
  await page.getByTestId(`step-${step}`).click();
  await page.waitForTimeout(300);
}

describe('form errors mapped to their fields', () => {
  it('Rollout: zero tasks marks "Tasks (levels)"', async () => {
    await open('rollout');
    await page.getByTestId('rollout-tasks').fill('0');
    await page.getByTestId('rollout-submit').click();
    await expectMarked('rollout-tasks', 'must be at least 1');
    await expectAlert('rollout-error', 'Tasks: must be at least 1');
    await shot('forms-01-rollout-error');
  });

  it('Convert: a validation share over 90 % and too few tokens mark their fields', async () => {
    await open('convert');
    const [traj] = await list('trajectories');
    await page.getByTestId('convert-dataset-select').selectOption(traj!.id);
    await page.getByTestId('convert-validation-input').fill('95');
    await page.getByTestId('convert-submit').click();
    await expectMarked('convert-validation-input', 'must be a number from 0 to 90');
    await page.getByTestId('convert-validation-input').fill('5');
    await page.getByTestId('convert-max-tokens-input').fill('10');
    await page.getByTestId('convert-submit').click();
    await expectMarked('convert-max-tokens-input', 'must be at least 64');
    expect((await fieldState('convert-validation-input')).invalid).toBe('false');
    await expectAlert('convert-error', 'Max tokens: must be at least 64');
    await page.getByTestId('convert-max-tokens-input').scrollIntoViewIfNeeded();
    await shot('forms-02-convert-error');
  });

  it('Train: rank 0 and a learning rate that is not a number mark both fields', async () => {
    await open('train');
    const [base] = await list('base-model');
    const [ds] = await list('dataset-parquet');
    await page.getByTestId('train-base-select').selectOption(base!.id);
    await page.getByTestId('train-dataset-select').selectOption(ds!.id);
    await page.getByTestId('train-r-input').fill('0');
    await page.getByTestId('train-lr-input').fill('fast');
    await page.getByTestId('train-submit').click();
    await expectMarked('train-r-input', 'rank must be at least 1');
    await expectMarked('train-lr-input', 'must be a number');
    await expectAlert('train-error', 'LoRA › rank r: rank must be at least 1', 'Learning rate: must be a number');
    await page.getByTestId('train-r-input').scrollIntoViewIfNeeded();
    await shot('forms-03-train-error');
  });

  it('Cluster export: refused Train settings mark the Train form; GPUs 0 marks its own field', async () => {
    await page.getByTestId('train-export-gpus-input').fill('0');
    await page.getByTestId('train-export-submit').click();
    await expectMarked('train-export-gpus-input', 'must be at least 1');
    // The Train form's r is still 0: the export refuses it too, and the Train form marks it.
    await expectAlert('train-export-error', 'GPUs per machine: must be at least 1', 'Train form › LoRA › rank r');
    expect((await fieldState('train-r-input')).invalid).toBe('true');
    await shot('forms-04-export-error');
  });

  it('Cluster export: changing r in the Train form changes the exported train_config.json', async () => {
    await page.getByTestId('train-r-input').fill('24');
    await page.getByTestId('train-lr-input').fill('0.0003');
    await page.getByTestId('train-export-gpus-input').fill('4');
    await expect.poll(() => page.getByTestId('train-export-summary').textContent()).toContain('r=24');
    await page.getByTestId('train-export-submit').click();
    await expect.poll(async () => (await list('file')).length, { timeout: 30_000 }).toBe(1);
    const [job] = await list('file');
    const dir = isAbsolute(job!.path) ? job!.path : join(studio.requireProject().project.dir, job!.path);
    const cfg = JSON.parse(readFileSync(join(dir, 'train_config.json'), 'utf8'));
    // The notebook preset the form starts from, with the two edits.
    expect(cfg).toMatchObject({
      lora: { r: 24, alpha: 32 },
      learning_rate: 0.0003,
      qlora: true,
      double_quant: true,
      optim: 'adamw_bnb_8bit',
      loss_average: 'micro-batch',
      gpus_per_machine: 4,
    });
  });

  it('RL: tensor parallelism over the GPUs per node marks "Tensor parallel size"', async () => {
    await open('rl');
    const [merged] = await list('merged-model');
    await page.getByTestId('rl-model-select').selectOption(merged!.id);
    await page.getByTestId('rl-tensor-parallel-size-input').fill('8');
    await page.getByTestId('rl-submit').click();
    await expectMarked('rl-tensor-parallel-size-input', 'cannot be more than the GPUs per node (4)');
    await expectAlert('rl-error', 'Tensor parallel size: cannot be more than the GPUs per node (4)');
    await page.getByTestId('rl-tensor-parallel-size-input').scrollIntoViewIfNeeded();
    await shot('forms-06-rl-error');
  });
});

describe('selects and fields not cut at 1440 px', () => {
  const STEPS: StepId[] = ['rollout', 'filter', 'convert', 'train', 'upload', 'merge', 'rl'];
  for (const theme of ['light', 'dark'] as const) {
    it(`every step's form, ${theme}`, async () => {
      await studio.api.handle('app.setTheme', { theme });
      await page.reload();
      const cut: (Cut & { step: string })[] = [];
      for (const step of STEPS) {
        await open(step);
        if (step === 'rollout') {
          // Each "who plays" shows its own fields: look at them all.
          for (const policy of ['openai', 'onnx', 'expert']) {
            await page.getByTestId('rollout-policy-select').selectOption(policy);
            await page.waitForTimeout(150);
            cut.push(...(await cutControls()).map((c) => ({ ...c, step: `${step}/${policy}` })));
            if (policy !== 'expert') await shot(`forms-cut-${theme}-${step}-${policy}`);
          }
        } else {
          cut.push(...(await cutControls()).map((c) => ({ ...c, step })));
        }
        await shot(`forms-cut-${theme}-${step}`);
      }
      expect(cut).toEqual([]);
    });
  }
});
