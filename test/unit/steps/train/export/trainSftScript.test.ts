// The exported training project's train_sft.py run for real (test/python/run_train_sft.py): TRL + PEFT on a tiny
// Qwen3-VL, transformers 5.18 (the suite's), with the Train form's settings (TrainHyperParams) as the export takes
// them. LoRA only: bitsandbytes does not run on this CPU-only machine, so QLoRA is not run here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../../main/core/model/chat';
import { encodeConversation } from '../../../../../main/core/model/encode';
import { loadTextSide } from '../../../../../main/core/model/templateAndTokenizer';
import { convertDataset } from '../../../../../main/core/steps/convert/convert';
import { withPixelLimits } from '../../../../../main/core/steps/convert/pixelLimits';
import { readDatasetFolder, writeTrainExport } from '../../../../../main/core/steps/train/export/trainExport';
import { ConvertSettings } from '../../../../../preload/contract/convert';
import { TrainExportConfig, type TrainHyperParams } from '../../../../../preload/contract/train';
import { writeJsonlDataset } from '../../../../helpers/datasets';
import { readParquet } from '../../../../helpers/parquet';
import { runPython } from '../../../../helpers/python';

const work = mkdtempSync(join(tmpdir(), 'studio-trainsft-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const modelDir = join(work, 'tiny-qwen3vl');
const MIN_PIXELS = 64 * 64;
const MAX_PIXELS = 128 * 128; // the Convert overrides: 256×256 frames become 128×128, 16 image tokens each

// Replies that start with "\n": the template's "assistant\n" and the reply's newline merge into one token.
const leadingNewline = (t: number) => `\n<think>turn ${t}: the box is left of the goal</think>\n<action>${t % 2 ? 'left' : 'up'}</action>`;

let dataset = '';
beforeAll(async () => {
  await runPython('parquet_in_tools.py', { check: 'build_model', model_dir: modelDir });
  const src = writeJsonlDataset(
    join(work, 'ds'),
    Array.from({ length: 3 }, () => ({ turns: 2, reply: leadingNewline })),
  );
  dataset = join(work, 'converted');
  const settings = ConvertSettings.parse({
    target: 'trl',
    history: 'full',
    minPixels: MIN_PIXELS,
    maxPixels: MAX_PIXELS,
    split: { by: 'ratio', validation: 0, values: [], seed: 0 },
  });
  await convertDataset({ source: src, outDir: dataset, settings, text: withPixelLimits(loadTextSide(modelDir), settings), name: 'newline' });
}, 180_000);

let n = 0;
// The Train form's settings (TrainHyperParams), as the cluster export takes them.
function exportProject(train: Partial<TrainHyperParams> = {}): string {
  const dir = join(work, `export-${n++}`);
  const config = TrainExportConfig.parse({
    datasetArtifactId: 'x',
    baseModel: 'Qwen/Qwen3-VL-4B-Instruct',
    train: { quant: 'none', batchSize: 1, gradAccum: 1, lr: 1e-3, ...train },
  });
  writeTrainExport(dir, config, readDatasetFolder(dataset, 'newline'), '2026-01-01T00:00:00Z');
  return dir;
}

describe('exported train_sft.py', () => {
  it('labels exactly the tokens the studio’s own encoder trains, on replies that start with "\\n", with the Convert pixel limits', async () => {
    const dir = exportProject();
    type Rows = { rows: { input_ids: number[]; labels: number[] }[]; pixels: { min: number; max: number } };
    const { result } = await runPython<Rows>('run_train_sft.py', { check: 'labels', export_dir: dir, model_dir: modelDir });
    expect(result.pixels).toEqual({ min: MIN_PIXELS, max: MAX_PIXELS });
    const text = withPixelLimits(loadTextSide(modelDir), { minPixels: MIN_PIXELS, maxPixels: MAX_PIXELS });
    const rows = (await readParquet(join(dataset, 'train.parquet'))).rows;
    expect(result.rows).toHaveLength(3);
    const nl2 = text.tokenizer!.encode('\n\n')[0]!;
    result.rows.forEach((py, i) => {
      const row = rows[i]!;
      const messages = row.messages as ChatMessage[];
      const images = (row.images as { bytes: Uint8Array }[]).map((im) => Buffer.from(im.bytes));
      const ours = encodeConversation(messages, images, text, 'assistant');
      expect(py.input_ids).toEqual(ours.inputIds);
      expect(py.labels).toEqual(ours.labels);
      // The merged "\n\n" opens every reply and is trained, as its text overlaps the reply.
      expect(ours.labels.filter((l) => l === nl2)).toHaveLength(2);
      expect(ours.inputIds.filter((id) => id === text.tokenizer!.specialIds.get('<|image_pad|>'))).toHaveLength(2 * 16);
    });
  }, 180_000);

  it('trains 2 LoRA steps with the warm-up it was given (1 of 2 steps: the first step at lr 0) and saves a PEFT adapter', async () => {
    // Train-form settings away from their defaults, to see each reach TRL / PEFT.
    const lora = { r: 4, alpha: 8, dropout: 0.1, rslora: true, targets: ['q_proj' as const, 'v_proj' as const] };
    const dir = exportProject({ warmupSteps: 1, maxSteps: 2, lossAverage: 'micro-batch', weightDecay: 0.01, maxGradNorm: 0.5, seed: 7, gradAccum: 1, lora, saveEvery: 0 });
    type Train = {
      steps: number;
      lrs: number[];
      losses: number[];
      warmup: Record<string, number | null>;
      files: string[];
      transformers: string;
      args: Record<string, string>;
      accepts_loss_kwargs: boolean;
      adapter_config: Record<string, unknown>;
    };
    const { result } = await runPython<Train>('run_train_sft.py', { check: 'train', export_dir: dir, model_dir: modelDir, out_dir: join(work, 'run') }, { timeoutMs: 240_000 });
    expect(result.transformers).toMatch(/^5\./);
    expect(result.warmup.warmup_steps).toBe(1); // the Train form's warm-up steps, as steps
    expect(result.steps).toBe(2);
    // Linear warm-up over 1 step, then the Train form's linear decay from the peak.
    expect(result.lrs).toEqual([0, 1e-3]);
    expect(result.losses).toHaveLength(2);
    for (const l of result.losses) expect(Number.isFinite(l)).toBe(true);
    expect(result.files).toEqual(expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors']));
    expect(result.args).toMatchObject({
      lr_scheduler_type: 'linear',
      weight_decay: '0.01',
      max_grad_norm: '0.5',
      seed: '7',
      optim: 'adamw_torch',
      bf16: 'False',
      gradient_checkpointing: 'False',
      save_strategy: 'no',
    });
    // micro-batch: each micro-batch's mean (the Trainer's own way for Qwen3-VL), not the token count of the whole step.
    expect(result.accepts_loss_kwargs).toBe(false);
    expect(result.adapter_config).toMatchObject({ r: 4, lora_alpha: 8, lora_dropout: 0.1, use_rslora: true });
    expect([...(result.adapter_config.target_modules as string[])].sort()).toEqual(['q_proj', 'v_proj']);
  }, 300_000);
});
