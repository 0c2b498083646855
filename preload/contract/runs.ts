// Runs of jobs as the renderer sees them: status, logs, metrics, inputs and outputs, and the lineage
// that links an artifact to the runs that made it.
import { z } from 'zod';
import { StepId } from './app';
import { Artifact } from './artifacts';

// paused: stopped on request with a checkpoint to resume from (train, rollout); cancelled: stopped for good.
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'paused'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunSummary = z.object({
  id: z.string(),
  kind: z.string(),
  step: StepId.nullable(),
  title: z.string(),
  status: RunStatus,
  progress: z.number().min(0).max(1),
  progressMessage: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  elapsedMs: z.number().nullable(),
  etaMs: z.number().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);
export const RunLog = z.object({ id: z.number().int(), runId: z.string(), time: z.string(), level: LogLevel, message: z.string() });
export type RunLog = z.infer<typeof RunLog>;

// value null: the metric was NaN or ±inf at that step (nonFinite says which).
export const RunMetric = z.object({ name: z.string(), step: z.number().int(), value: z.number().nullable(), nonFinite: z.enum(['nan', 'inf', '-inf']).optional() });
export type RunMetric = z.infer<typeof RunMetric>;

export const RunDetail = z.object({
  run: RunSummary,
  config: z.record(z.string(), z.unknown()),
  inputs: z.array(Artifact),
  outputs: z.array(Artifact),
  logs: z.array(RunLog),
  metrics: z.array(RunMetric),
});
export type RunDetail = z.infer<typeof RunDetail>;

// One node of an artifact's ancestry: the run that produced it and that run's inputs.
export type LineageNode = { artifact: Artifact; producedBy: { run: RunSummary; inputs: LineageNode[] } | null };
export const LineageNode: z.ZodType<LineageNode> = z.lazy(() =>
  z.object({
    artifact: Artifact,
    producedBy: z.object({ run: RunSummary, inputs: z.array(LineageNode) }).nullable(),
  }),
);
