// The Train form's settings (the same TrainHyperParams a local train.run gets) as the
// train_config.json of the cluster export: every setting that has a TRL / transformers
// counterpart is carried over, and the few that have none are named, never dropped silently.
import type { TrainHyperParams } from '../../../../../preload/contract/train';

export interface ClusterTrainSettings {
  lora: { r: number; alpha: number; dropout: number; target_modules: string[]; use_rslora: boolean };
  // The decoder's projections as 4-bit NF4 (bitsandbytes), double-quantised scales with nf4-dq.
  qlora: boolean;
  double_quant: boolean;
  dtype: 'bfloat16' | 'float32';
  // assistant: loss on the assistant replies; all: every token but padding (the dataset's Convert setting).
  loss_on: 'assistant' | 'all';
  // tokens: every target token of an accumulated batch weighs the same; micro-batch: each micro-batch's mean, averaged.
  loss_average: 'tokens' | 'micro-batch';
  learning_rate: number;
  lr_scheduler: 'linear' | 'cosine' | 'constant_with_warmup';
  warmup_steps: number;
  weight_decay: number;
  max_grad_norm: number;
  optim: 'adamw_torch' | 'adamw_bnb_8bit';
  epochs: number;
  max_steps: number | null;
  per_device_batch_size: number;
  grad_accum: number;
  gradient_checkpointing: boolean;
  // 0: only at the end (the final adapter is always saved; validation runs once at the end).
  save_steps: number;
  eval_steps: number;
  // fail: stop the run at a logged NaN/inf loss, naming the step; continue: train on (the Trainer's own way).
  on_non_finite: 'fail' | 'continue';
  seed: number;
}

export interface ClusterMapping {
  settings: ClusterTrainSettings;
  /** Train form settings the cluster script has no counterpart for, in words (for the log and README). */
  notCarried: string[];
}

const SCHEDULER = { linear: 'linear', cosine: 'cosine', constant: 'constant_with_warmup' } as const;

export function clusterTrainSettings(t: TrainHyperParams, labels: 'assistant' | 'all'): ClusterMapping {
  const notCarried: string[] = [];
  if (t.packing) notCarried.push(`sequence packing (${t.packTokens} tokens per row): the cluster script pads each micro-batch of ${t.batchSize}`);
  // The Trainer's length grouping needs token counts in the dataset; the collator tokenizes on the fly.
  if (t.groupByLength) notCarried.push('similar lengths grouped into the same micro-batch');
  if (t.samples > 0) notCarried.push(`sample answers at each evaluation (${t.samples})`);
  if (t.device !== 'cpu' && t.device !== 'cuda') notCarried.push(`device ${t.device} (accelerate places one process per GPU)`);
  return {
    settings: {
      lora: { r: t.lora.r, alpha: t.lora.alpha, dropout: t.lora.dropout, target_modules: [...t.lora.targets], use_rslora: t.lora.rslora },
      qlora: t.quant !== 'none',
      double_quant: t.quant === 'nf4-dq',
      dtype: t.dtype,
      loss_on: labels,
      loss_average: t.lossAverage,
      learning_rate: t.lr,
      lr_scheduler: SCHEDULER[t.schedule],
      warmup_steps: t.warmupSteps,
      weight_decay: t.weightDecay,
      max_grad_norm: t.maxGradNorm,
      optim: t.optimizer === 'adamw-8bit' ? 'adamw_bnb_8bit' : 'adamw_torch',
      epochs: t.epochs,
      max_steps: t.maxSteps ?? null,
      per_device_batch_size: t.batchSize,
      grad_accum: t.gradAccum,
      gradient_checkpointing: t.gradientCheckpointing,
      save_steps: t.saveEvery,
      eval_steps: t.evalEvery,
      on_non_finite: t.onNonFinite,
      seed: t.seed,
    },
    notCarried,
  };
}

/** Where the loss applies, as the dataset was converted (dataset_info.json settings.labels), as the local trainer reads it. */
export function datasetLabels(info: Record<string, unknown> | null): 'assistant' | 'all' {
  const labels = (info?.settings as { labels?: unknown } | undefined)?.labels;
  return labels === 'all' ? 'all' : 'assistant';
}
