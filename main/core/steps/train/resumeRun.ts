// Resuming a training run: its newest complete checkpoint, found among the ones
// it registered and the ones on disk in its output folder that a kill kept it
// from registering (those are adopted). Half-written ones are skipped with the
// reason; with none complete the resume fails saying why.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Artifact } from '../../../../preload/contract';
import { registerOnce } from '../../lineage/adopt';
import { toArtifact } from '../../lineage/artifacts';
import { artifactDir, foldersOfRun } from '../../project/layout';
import type { Project } from '../../project/project';
import { StudioError, errorMessage } from '../../util/errors';
import { nowIso } from '../../util/time';
import { STATE_FILE, STATE_JSON } from './loop';

/** Written into a run's output folder: which run it belongs to (its checkpoints may outlive the run's registration). */
export const RUN_MARKER = 'run.json';

export function writeRunMarker(outDir: string, runId: string): void {
  writeFileSync(join(outDir, RUN_MARKER), `${JSON.stringify({ runId, kind: 'train.run' })}\n`);
}

/** The run a training output folder belongs to, from its marker; null when it has none. */
export function runOfFolder(dir: string): string | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, RUN_MARKER), 'utf8')) as { runId?: unknown };
    return typeof m.runId === 'string' ? m.runId : null;
  } catch {
    return null;
  }
}

const CHECKPOINT = /^checkpoint-(\d+)(\.partial(-[\w-]+)?)?$/;

/** Why a checkpoint folder cannot be resumed from, in a few words ("checkpoint-40 is missing adapter_model.safetensors"), or null. */
export function checkpointGap(dir: string): string | null {
  const name = basename(dir);
  if (/\.partial/.test(name)) return `${name} was cut off while it was being saved`;
  const missing = ['adapter_model.safetensors', 'adapter_config.json', STATE_FILE, STATE_JSON].filter((f) => !existsSync(join(dir, f)));
  if (missing.length) return `${name} is missing ${missing.join(', ')}`;
  try {
    const s = JSON.parse(readFileSync(join(dir, STATE_JSON), 'utf8')) as { step?: unknown };
    if (typeof s.step !== 'number') return `${name}: ${STATE_JSON} records no step`;
  } catch (err) {
    return `${name}: ${STATE_JSON} is not readable JSON (${errorMessage(err)})`;
  }
  return null;
}

interface Candidate {
  dir: string;
  step: number;
}

function registeredCheckpoints(project: Project, runId: string): Artifact[] {
  const rows = project.store.checkpointArtifacts(runId);
  const outs = project.store.runOutputs(runId).filter((a) => a.kind === 'adapter');
  const byId = new Map([...rows, ...outs].map((a) => [a.id, a]));
  return [...byId.values()].map((a) => toArtifact(project, a));
}

/** The folders the run wrote its checkpoints into: the parents of those it registered, and the one its marker names. */
function runFolders(project: Project, runId: string): string[] {
  const folders = new Set(registeredCheckpoints(project, runId).map((a) => dirname(a.path)));
  for (const p of foldersOfRun(artifactDir(project.dir, 'adapter'), runId)) if (runOfFolder(p) === runId) folders.add(p);
  return [...folders];
}

function candidates(project: Project, runId: string): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const a of registeredCheckpoints(project, runId)) {
    const dir = a.path;
    const m = CHECKPOINT.exec(basename(dir));
    const step = (typeof a.meta.step === 'number' ? a.meta.step : undefined) ?? (m ? Number(m[1]) : 0);
    seen.set(dir, { dir, step });
  }
  for (const folder of runFolders(project, runId)) {
    let names: string[] = [];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = CHECKPOINT.exec(name);
      const dir = join(folder, name);
      if (!m || seen.has(dir) || !statSync(dir).isDirectory()) continue;
      seen.set(dir, { dir, step: Number(m[1]) });
    }
  }
  // Newest first; at one step a finished folder before its cut-off .partial twin.
  return [...seen.values()].sort((a, b) => b.step - a.step || Number(/\.partial/.test(a.dir)) - Number(/\.partial/.test(b.dir)));
}

/**
 * Registers a complete checkpoint folder of the run unless it is already (by the run, the open-time sweep or an
 * earlier resume), and gives it the run's checkpoint row. Returns its artifact id and whether this call registered it.
 */
export async function adoptCheckpoint(project: Project, runId: string, dir: string): Promise<{ artifactId: string; adopted: boolean; step: number }> {
  const state = JSON.parse(readFileSync(join(dir, STATE_JSON), 'utf8')) as { step: number; metrics?: Record<string, number>; settings?: { lora?: unknown } };
  const meta = { step: state.step, metrics: state.metrics ?? {}, lora: state.settings?.lora, resumable: true, adopted: true };
  const { artifact, existed } = await registerOnce(project, { path: dir, kind: 'adapter', name: `${basename(dirname(dir))} step ${state.step}`, meta }, runId);
  const row = project.store.getArtifact(artifact.id)!;
  // One the sweep registered knows no step: it gets the checkpoint's facts.
  if (existed && typeof (JSON.parse(row.meta_json) as { step?: unknown }).step !== 'number')
    project.store.setArtifactMeta(row.id, { ...(JSON.parse(row.meta_json) as object), ...meta });
  if (!project.store.hasCheckpointRow(artifact.id))
    project.store.insertCheckpoint({
      id: randomUUID(),
      run_id: runId,
      artifact_id: artifact.id,
      step: state.step,
      metrics_json: JSON.stringify(state.metrics ?? {}),
      created_at: nowIso(),
    });
  return { artifactId: artifact.id, adopted: !existed, step: state.step };
}

export interface ResumePoint {
  artifactId: string;
  dir: string;
  step: number;
  /** The run whose charts continue (its metrics up to `step`). */
  chartsFrom: string;
}

/** The newest complete checkpoint of the run (or, when it has none, the one the run itself resumed from). */
export async function resolveResumeRun(project: Project, runId: string, log: (level: 'info' | 'warn', message: string) => void): Promise<ResumePoint> {
  const run = project.store.getRun(runId);
  if (!run || run.kind !== 'train.run') throw new StudioError('bad_input', `there is no training run ${runId} in this project to resume`);
  const gaps: string[] = [];
  for (const c of candidates(project, runId)) {
    const gap = checkpointGap(c.dir);
    if (gap) {
      gaps.push(gap);
      log('warn', `skipping ${c.dir}: ${gap}`);
      continue;
    }
    const a = await adoptCheckpoint(project, runId, c.dir);
    if (a.adopted) log('info', `registered ${c.dir}, a finished checkpoint the run never recorded (killed before it could)`);
    return { artifactId: a.artifactId, dir: c.dir, step: a.step, chartsFrom: runId };
  }
  // A resumed run with nothing of its own yet: back to where it started.
  const start = project.store.runInputWithRole(runId, 'resume');
  if (start) {
    const dir = toArtifact(project, start).path;
    const gap = checkpointGap(dir);
    if (!gap) {
      const step = (JSON.parse(readFileSync(join(dir, STATE_JSON), 'utf8')) as { step: number }).step;
      log('info', `run ${runId.slice(0, 8)} has no complete checkpoint of its own; continuing from the one it started from, ${dir}`);
      return { artifactId: start.id, dir, step, chartsFrom: runId };
    }
    gaps.push(`${gap} (the checkpoint it started from)`);
  }
  if (gaps.length) throw new StudioError('bad_input', `run ${runId.slice(0, 8)} cannot be resumed: no complete checkpoint: ${gaps.join('; ')}`);
  throw new StudioError('bad_input', `run ${runId.slice(0, 8)} saved no checkpoint to resume from; start a new run`);
}
