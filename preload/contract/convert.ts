// Step 3 (Convert): the settings of a Parquet conversion and what its preview returns.
import { z } from 'zod';
import { outputName, Seed } from './artifacts';
import { Histogram } from './histogram';

export const CONVERT_TARGETS = ['trl', 'arlarena', 'verl'] as const;
export const ConvertTarget = z.enum(CONVERT_TARGETS);

export const ConvertSplit = z.object({
  // ratio: each trajectory on its own; game/seed: all trajectories of a game (seed) go to the same side.
  by: z.enum(['ratio', 'game', 'seed']).default('ratio'),
  validation: z.number().min(0, 'validation share must be 0 or more').max(0.9, 'validation share must be at most 0.9').default(0.05),
  // Explicit games/seeds for validation (by game/seed); empty = chosen by hash with the share above.
  values: z.array(z.string().min(1)).max(1000).default([]),
  seed: Seed.default(0),
});

export const ConvertSettings = z.object({
  target: ConvertTarget.default('trl'),
  // turn: one sample per turn exactly as the policy saw it; full: whole episodes; last-k: each turn with up to k earlier turns.
  history: z.enum(['turn', 'full', 'last-k']).default('turn'),
  historyTurns: z.number().int().min(1).max(50).default(2),
  // assistant: loss on assistant turns only; all: the whole sequence (the old notebook's behaviour).
  labels: z.enum(['assistant', 'all']).default('assistant'),
  split: ConvertSplit.default({ by: 'ratio', validation: 0.05, values: [], seed: 0 }),
  maxTokens: z.number().int().min(64, 'must be at least 64').max(1_048_576).default(8192),
  // Samples over maxTokens are never truncated: dropped (and listed) or kept (and flagged).
  overLength: z.enum(['drop', 'keep']).default('drop'),
  minPixels: z.number().int().min(1).optional(),
  maxPixels: z.number().int().min(1).optional(),
  rowGroupRows: z.number().int().min(1).max(100_000).default(64),
});

export const ConvertConfig = ConvertSettings.extend({
  datasetArtifactId: z.string().min(1, 'choose an accepted dataset'),
  // A base model whose chat template, tokenizer and image limits are used (else the built-in Qwen3-VL layout).
  modelArtifactId: z.string().min(1).optional(),
  name: outputName().optional(),
});

export const ConvertPreviewParams = ConvertConfig.omit({ name: true }).extend({
  limit: z.number().int().min(1).max(20).default(3),
  // Episodes read for the statistics; the job reads all of them.
  scan: z.number().int().min(1).max(5000).default(300),
});

export const PreviewSegment = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string(), loss: z.boolean() }),
  z.object({ kind: z.literal('image'), index: z.number().int() }),
]);

export const PreviewImage = z.object({
  src: z.string(), // data: URL
  width: z.number(),
  height: z.number(),
  resizedWidth: z.number(),
  resizedHeight: z.number(),
  tokens: z.number(),
});

export const PreviewSample = z.object({
  key: z.string(),
  trajectoryId: z.string(),
  turn: z.number().int(),
  split: z.enum(['train', 'validation']),
  tokens: z.number().int(),
  textTokens: z.number().int(),
  imageTokens: z.number().int(),
  overLength: z.boolean(),
  segments: z.array(PreviewSegment),
  images: z.array(PreviewImage),
});

export const ConvertPreview = z.object({
  templateSource: z.string(),
  exactTokens: z.boolean(),
  samples: z.array(PreviewSample),
  stats: z.object({
    episodes: z.number().int(),
    samples: z.number().int(),
    train: z.number().int(),
    validation: z.number().int(),
    overLength: z.number().int(),
    maxTokens: z.number().int(),
    histogram: Histogram,
    complete: z.boolean(), // false when only the first `scan` episodes were read
  }),
  warnings: z.array(z.string()),
});
export type ConvertPreview = z.infer<typeof ConvertPreview>;

export const convertMethods = {
  'convert.preview': { params: ConvertPreviewParams.strict(), result: ConvertPreview },
} as const;
