// What a killed process leaves in artifacts/: half-written `.partial` files and
// folders (always safe to delete — finished outputs are renamed out of them),
// and finished outputs whose run died before registering them. The owner runs
// this at open, when none of its own jobs can be running.
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ArtifactKind } from '../../../preload/contract';
import type { Project } from './project';
import { artifactsRoot } from './layout';

export interface Orphan {
  path: string;
  kind: ArtifactKind;
}

export interface Leftovers {
  removed: string[];
  orphans: Orphan[];
}

const PARTIAL = /\.partial(-[\w-]+)?$/;
const MAX_DEPTH = 4;

function removePartials(dir: string, depth: number, removed: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (PARTIAL.test(name)) {
      rmSync(p, { recursive: true, force: true });
      removed.push(p);
      continue;
    }
    if (depth < MAX_DEPTH) {
      try {
        if (statSync(p).isDirectory()) removePartials(p, depth + 1, removed);
      } catch {
        /* vanished meanwhile */
      }
    }
  }
}

/** The kind a finished, unregistered output is, judged by what a complete one contains; null: not recognisably complete. */
export function completeKind(path: string, folder: string): ArtifactKind | null {
  const has = (f: string): boolean => existsSync(join(path, f));
  try {
    if (!statSync(path).isDirectory()) return null;
  } catch {
    return null;
  }
  switch (folder) {
    case 'trajectories':
      return has('trajectories.jsonl') ? 'trajectories' : null;
    case 'datasets':
      if (has('dataset_info.json')) return 'dataset-parquet';
      return has('dataset.json') && has('trajectories.jsonl') ? 'dataset-json' : null;
    case 'checkpoints':
      return has('adapter_config.json') && has('adapter_model.safetensors') ? 'adapter' : null;
    case 'merged': {
      if (!has('config.json')) return null;
      if (has('model.safetensors')) return 'merged-model';
      if (!has('model.safetensors.index.json')) return null;
      try {
        const idx = JSON.parse(readFileSync(join(path, 'model.safetensors.index.json'), 'utf8')) as { weight_map?: Record<string, string> };
        const shards = new Set(Object.values(idx.weight_map ?? {}));
        return shards.size > 0 && [...shards].every((s) => has(s)) ? 'merged-model' : null;
      } catch {
        return null;
      }
    }
    default:
      return null; // models/, onnx/, files/, rl/: copies made by imports, registered in the same job step
  }
}

/** Removes partial outputs and lists complete, unregistered ones (trajectories, datasets, adapters, merges). */
export function sweepLeftovers(project: Project): Leftovers {
  const root = artifactsRoot(project.dir);
  const removed: string[] = [];
  removePartials(root, 0, removed);
  const known = new Set(
    project.store
      .listArtifacts()
      .filter((a) => a.in_project === 1)
      .map((a) => a.path),
  );
  const isKnown = (abs: string): boolean => {
    const rel = relative(project.dir, abs).split(sep).join('/');
    // Registered itself, or inside something registered (a checkpoint folder of a run, say).
    for (const k of known) if (rel === k || rel.startsWith(`${k}/`) || k.startsWith(`${rel}/`)) return true;
    return false;
  };
  const orphans: Orphan[] = [];
  for (const folder of ['trajectories', 'datasets', 'checkpoints', 'merged']) {
    const dir = join(root, folder);
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const p = join(dir, name);
      if (isKnown(p)) continue;
      const kind = completeKind(p, folder);
      if (kind) orphans.push({ path: p, kind });
      else if (folder === 'checkpoints') {
        // A training run's folder holds checkpoint-<step>/ adapters.
        let subs: string[] = [];
        try {
          subs = readdirSync(p);
        } catch {
          /* a file */
        }
        for (const sub of subs) {
          const q = join(p, sub);
          if (!isKnown(q) && completeKind(q, folder)) orphans.push({ path: q, kind: 'adapter' });
        }
      }
    }
  }
  return { removed, orphans };
}
