// Evaluate (Train and Merge steps): checkpoints of runs and/or the base model, and optionally the expert,
// each played on the same held-out levels of one game by the native engine; one result per policy.
import { z } from 'zod';
import { Seed } from './artifacts';
import { EngineSampling } from './enginePolicy';
import { GAME_IDS } from './games';

export const EvaluateConfig = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    // The model the adapters were trained on (a base or merged model artifact).
    baseArtifactId: z.string().min(1, 'choose the base model'),
    // Adapter artifacts (checkpoints of runs, or imported PEFT adapters), each played on the base.
    checkpoints: z.array(z.string().min(1)).max(64).default([]),
    includeBase: z.boolean().default(true),
    includeExpert: z.boolean().default(false),
    game: z.enum(GAME_IDS).default('sokoban'),
    settings: z.record(z.string(), z.unknown()).default({}),
    // Level k is played with seed `seed + k`; a seed far from the rollouts' default 0 keeps levels held out.
    levels: z.number().int().min(1).max(10_000).default(20),
    seed: Seed.default(100_000),
    historyTurns: z.number().int().min(0).max(50).default(0),
    concurrency: z.number().int().min(1).max(256).default(4),
    ...EngineSampling,
    // Continue a stopped evaluation (its run id): finished (policy, level) episodes are kept.
    resumeEvaluationId: z.string().min(1).optional(),
  })
  .refine((c) => c.includeBase || c.includeExpert || c.checkpoints.length > 0, { message: 'choose at least one checkpoint, the base or the expert', path: ['checkpoints'] });

// One policy's numbers over the levels it played.
export const PolicyScore = z.object({
  key: z.string(),
  label: z.string(),
  kind: z.enum(['base', 'adapter', 'expert']),
  artifactId: z.string().nullable(),
  step: z.number().nullable(),
  episodes: z.number(),
  wins: z.number(),
  successRate: z.number(),
  // 95 % Wilson score interval of the success rate.
  successLow: z.number(),
  successHigh: z.number(),
  meanReturn: z.number(),
  meanTurns: z.number(),
  invalidActionRate: z.number(),
  formatValidRate: z.number(),
  completionTokens: z.number(),
  tokensPerS: z.number().nullable(),
});
export type PolicyScore = z.infer<typeof PolicyScore>;

export const EvaluationResult = z.object({
  evaluationId: z.string(),
  game: z.enum(GAME_IDS),
  seeds: z.array(z.number()),
  overlap: z.object({ seeds: z.array(z.number()), note: z.string() }),
  policies: z.array(PolicyScore),
  best: z.string().nullable(),
});
export type EvaluationResult = z.infer<typeof EvaluationResult>;
