// Where things live inside a project folder.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactKind } from '../../../preload/contract';

export const DB_FILE = 'studio.db';
export const ARTIFACTS_DIR = 'artifacts';

// One sub-folder per kind keeps the tree browsable by hand.
export const ARTIFACT_SUBDIRS: Record<ArtifactKind, string> = {
  trajectories: 'trajectories',
  'dataset-json': 'datasets',
  'dataset-parquet': 'datasets',
  'base-model': 'models',
  adapter: 'checkpoints',
  'merged-model': 'merged',
  'rl-launch': 'rl',
  'onnx-model': 'onnx',
  file: 'files',
};

export const dbPath = (dir: string): string => join(dir, DB_FILE);
export const artifactsRoot = (dir: string): string => join(dir, ARTIFACTS_DIR);
/** A folder name from a display name: letters, digits, '.', '_' and '-' only ("a (b) c" → "a-b-c"). */
export const folderSlug = (name: string): string =>
  name
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 80) || 'output';
export const artifactDir = (dir: string, kind: ArtifactKind): string => join(dir, ARTIFACTS_DIR, ARTIFACT_SUBDIRS[kind]);

/** A run's output folders are named `<name>-<first 8 of its id>`: those under root (folders only). */
export function foldersOfRun(root: string, runId: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return []; // nothing written yet
  }
  return names
    .filter((n) => n.endsWith(`-${runId.slice(0, 8)}`))
    .map((n) => join(root, n))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isDirectory());
}
