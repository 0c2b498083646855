// The cluster export takes the Train form's settings: the form's fields → trainSettings (the one builder
// both the local run and the export use) → train_config.json of the exported project, value by value.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDatasetFolder, writeTrainExport } from '../../../../../main/core/steps/train/export/trainExport';
import { TrainConfig } from '../../../../../preload/contract';
import { TrainExportConfig, TrainHyperParams } from '../../../../../preload/contract/train';
import { PRESETS } from '../../../../../renderer/src/steps/train/presets';
import { fieldsOf, trainSettings } from '../../../../../renderer/src/steps/train/trainSettings';
import { tempDir } from '../../../../helpers/tmp';

function datasetFolder(labels: 'assistant' | 'all'): string {
  const dir = join(tempDir(), 'ds');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train.parquet'), 'stand-in: the export links the file, it does not read it');
  writeFileSync(join(dir, 'dataset_info.json'), JSON.stringify({ target: 'trl', settings: { labels, minPixels: 3136, maxPixels: 65536 }, files: { train: { rows: 4 } } }));
  return dir;
}

function exportWith(fields: ReturnType<typeof fieldsOf>, labels: 'assistant' | 'all' = 'assistant', strategy: 'deepspeed-zero2' | 'fsdp' = 'deepspeed-zero2') {
  const dir = datasetFolder(labels);
  const config = TrainExportConfig.parse({ datasetArtifactId: 'd', baseModel: 'Qwen/Qwen3-VL-4B-Instruct', train: trainSettings(fields), strategy, gpus: 8, nodes: 1 });
  const out = join(tempDir(), 'job');
  writeTrainExport(out, config, readDatasetFolder(dir, 'ds'), '2026-12-02T00:00:00Z');
  return { cfg: JSON.parse(readFileSync(join(out, 'train_config.json'), 'utf8')), readme: readFileSync(join(out, 'README.md'), 'utf8'), config, out };
}

describe('cluster export from the Train form', () => {
  it('a local run and the export parse the same settings from the same form fields', () => {
    const fields = { ...fieldsOf(PRESETS[0]!), r: '12', alpha: '24', lr: '5e-5', seed: '9', maxSteps: '40' };
    const run = TrainConfig.parse({ baseArtifactId: 'b', datasetArtifactId: 'd', ...trainSettings(fields) });
    const exp = TrainExportConfig.parse({ datasetArtifactId: 'd', baseModel: 'x', train: trainSettings(fields) });
    const { baseArtifactId: _b, datasetArtifactId: _d, ...runSettings } = run;
    expect(exp.train).toEqual(runSettings);
    expect(TrainHyperParams.parse(runSettings)).toEqual(exp.train);
  });

  it('train_config.json carries the notebook preset as the form shows it, with r changed', () => {
    const fields = {
      ...fieldsOf(PRESETS[0]!),
      r: '12',
      alpha: '24',
      lr: '5e-5',
      warmupSteps: '7',
      batchSize: '3',
      gradAccum: '5',
      epochs: '2',
      maxSteps: '40',
      seed: '9',
      saveEvery: '20',
      evalEvery: '10',
    };
    const { cfg, readme } = exportWith(fields, 'all');
    expect(cfg).toMatchObject({
      lora: { r: 12, alpha: 24, dropout: 0, use_rslora: false, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
      // The notebook preset: NF4 with double quantisation, bf16, 8-bit AdamW, checkpointing, loss per micro-batch.
      qlora: true,
      double_quant: true,
      dtype: 'bfloat16',
      optim: 'adamw_bnb_8bit',
      gradient_checkpointing: true,
      loss_average: 'micro-batch',
      learning_rate: 5e-5,
      lr_scheduler: 'linear',
      warmup_steps: 7,
      weight_decay: 0,
      max_grad_norm: 1,
      epochs: 2,
      max_steps: 40,
      per_device_batch_size: 3,
      grad_accum: 5,
      save_steps: 20,
      eval_steps: 10,
      seed: 9,
      on_non_finite: 'fail',
      // Where the loss applies comes from the dataset's Convert setting, as for a local run; so do the pixel limits.
      loss_on: 'all',
      min_pixels: 3136,
      max_pixels: 65536,
    });
    expect(readme).toContain('| LoRA | r=12, alpha=24, dropout=0');
    expect(readme).toContain('3 per GPU × 5 accumulation × 8 GPUs = 120 samples per step');
    expect(readme).toContain('8-bit AdamW, lr 0.00005, linear schedule, 7 warm-up steps');
  });

  it('changing a field changes the export; settings with no cluster counterpart are named, not dropped silently', () => {
    const base = fieldsOf(PRESETS[2]!);
    const a = exportWith(base).cfg;
    const b = exportWith({ ...base, r: '16', quant: 'none', dtype: 'float32', lossAverage: 'tokens', packing: 'on', packTokens: '2048' }, 'assistant', 'fsdp');
    expect(a.lora.r).toBe(8);
    expect(b.cfg.lora.r).toBe(16);
    expect(b.cfg).toMatchObject({ qlora: false, double_quant: false, dtype: 'float32', loss_average: 'tokens', optim: 'adamw_torch' });
    expect(readFileSync(join(b.out, 'accelerate_config.yaml'), 'utf8').split('\n')).toContain("mixed_precision: 'no'"); // fp32 weights: no bf16 autocast
    expect(b.readme).toMatch(/Not carried over from the Train form[^\n]*sequence packing \(2048 tokens per row\)/);
    expect(b.readme).toContain('sample answers at each evaluation (3)');
    expect(readFileSync(join(b.out, 'requirements.txt'), 'utf8')).not.toContain('bitsandbytes');
  });
});
