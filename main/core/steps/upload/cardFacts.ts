// What the model card says, gathered from the project: the base model, the
// datasets upstream (with sizes), the LoRA settings and the training curves.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact, LineageNode } from '../../../../preload/contract';
import { baseModelOf } from '../../lineage/hubId';
import { lineageOf } from '../../lineage/lineage';
import { touchesVisionTower } from './vllmHints';
import type { Project } from '../../project/project';

export interface LoraFacts {
  r: number | null;
  alpha: number | null;
  dropout: number | null;
  targets: string[];
  rslora: boolean;
  dora: boolean;
  /** Trains vision-tower modules (adapter tensors under `visual.`, or target_modules naming them). */
  vision: boolean;
}

export interface DatasetFacts {
  kind: string;
  name: string;
  sizeBytes: number;
  samples: number | null;
}

export interface CurveFacts {
  name: string;
  points: number;
  firstStep: number;
  lastStep: number;
  first: number;
  last: number;
  min: number;
  max: number;
}

export interface CardFacts {
  kind: 'adapter' | 'merged-model';
  artifactName: string;
  /** A Hub id (namespace/name) when the base is one; else null. */
  baseModelId: string | null;
  /** How to name the base in prose: the Hub id, or the folder it was loaded from. */
  baseModelText: string;
  lora: LoraFacts | null;
  datasets: DatasetFacts[];
  training: { runTitle: string; curves: CurveFacts[] } | null;
  lineage: string[];
}

const DATASET_KINDS = new Set(['dataset-parquet', 'dataset-json', 'trajectories']);

function flatten(node: LineageNode, out: LineageNode[] = []): LineageNode[] {
  out.push(node);
  for (const i of node.producedBy?.inputs ?? []) flatten(i, out);
  return out;
}

export function lineageLines(node: LineageNode, depth = 0, out: string[] = []): string[] {
  const a = node.artifact;
  const by = node.producedBy ? ` ← ${node.producedBy.run.title}` : '';
  out.push(`${'  '.repeat(depth)}${a.kind} '${a.name}' (sha256 ${a.sha256?.slice(0, 12) ?? '?'}…)${by}`);
  for (const i of node.producedBy?.inputs ?? []) lineageLines(i, depth + 1, out);
  return out;
}

function readJson(file: string): Record<string, unknown> | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The tensor names in a safetensors file's header (nothing else is read). */
function safetensorsKeys(file: string): string[] {
  try {
    const fd = openSync(file, 'r');
    try {
      const len = Buffer.alloc(8);
      readSync(fd, len, 0, 8, 0);
      const n = Number(len.readBigUInt64LE());
      if (n > 64 * 1024 * 1024) return [];
      const head = Buffer.alloc(n);
      readSync(fd, head, 0, n, 8);
      return Object.keys(JSON.parse(head.toString('utf8')) as Record<string, unknown>).filter((k) => k !== '__metadata__');
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
}

function loraFrom(cfg: Record<string, unknown> | null, adapterDir: string | null): LoraFacts | null {
  if (!cfg) return null;
  const t = cfg.target_modules;
  const targets = Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
  return {
    vision: touchesVisionTower(targets, adapterDir ? safetensorsKeys(join(adapterDir, 'adapter_model.safetensors')) : []),
    r: num(cfg.r),
    alpha: num(cfg.lora_alpha),
    dropout: num(cfg.lora_dropout),
    targets: Array.isArray(t) ? t.map(String).sort() : typeof t === 'string' ? [t] : [],
    rslora: cfg.use_rslora === true,
    dora: cfg.use_dora === true,
  };
}

function samplesOf(a: Artifact): number | null {
  // Convert records counts.samples; Filter & review and rollouts record trajectories.
  const counts = a.meta.counts as Record<string, unknown> | undefined;
  if (counts && num(counts.samples) !== null) return num(counts.samples);
  for (const k of ['samples', 'numSamples', 'num_samples', 'rows', 'trajectories', 'imported', 'count']) {
    const v = num(a.meta[k]);
    if (v !== null) return v;
  }
  return null;
}

function curves(project: Project, runId: string): CurveFacts[] {
  const by = new Map<string, { step: number; value: number }[]>();
  for (const m of project.store.listMetrics(runId)) {
    if (m.value === null) continue; // NaN/inf points: not a curve's value
    const list = by.get(m.name) ?? [];
    list.push({ step: m.step, value: m.value });
    by.set(m.name, list);
  }
  return [...by.entries()]
    .map(([name, pts]) => {
      pts.sort((a, b) => a.step - b.step);
      const values = pts.map((p) => p.value);
      return {
        name,
        points: pts.length,
        firstStep: pts[0]!.step,
        lastStep: pts[pts.length - 1]!.step,
        first: values[0]!,
        last: values[values.length - 1]!,
        min: Math.min(...values),
        max: Math.max(...values),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** baseModelId: the base's Hub id as the upload resolved it; by default what the project knows (lineage/hubId.ts). */
export function gatherCardFacts(project: Project, artifact: Artifact, baseModelId?: string | null): CardFacts {
  const tree = lineageOf(project, artifact.id);
  const nodes = flatten(tree);
  const adapter = artifact.kind === 'adapter' ? artifact : (nodes.find((n) => n.artifact.kind === 'adapter')?.artifact ?? null);
  const adapterCfg = adapter ? readJson(join(adapter.path, 'adapter_config.json')) : null;
  const base = baseModelOf(project, artifact);
  const id = baseModelId === undefined ? base.hubId : baseModelId;
  // Never a local path: the card is uploaded.
  const baseModelText = id ?? (base.base ? `the local model '${base.base.name}'` : 'a base model not recorded in this project');
  const datasets = nodes
    .filter((n) => DATASET_KINDS.has(n.artifact.kind))
    .map((n) => ({ kind: n.artifact.kind, name: n.artifact.name, sizeBytes: n.artifact.sizeBytes, samples: samplesOf(n.artifact) }));
  const trainRun = adapter?.producedByRunId ? project.store.getRun(adapter.producedByRunId) : undefined;
  const trainCurves = trainRun ? curves(project, trainRun.id) : [];
  return {
    kind: artifact.kind === 'adapter' ? 'adapter' : 'merged-model',
    artifactName: artifact.name,
    baseModelId: id,
    baseModelText,
    lora: loraFrom(adapterCfg, adapter?.path ?? null),
    datasets,
    training: trainRun && trainCurves.length ? { runTitle: trainRun.title, curves: trainCurves } : null,
    lineage: lineageLines(tree),
  };
}
