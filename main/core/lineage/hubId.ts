// Which Hub repo a model folder is, so what we upload names the base by its Hub id
// (`base_model_name_or_path`, the card's `base_model`) and never by the user's local path.
// Reliable sources only: the id the user gave (import, Upload), the Hugging Face cache
// layout the folder sits in (…/hub/models--Org--Name/snapshots/<sha>/), and for a merged
// model the repo this project uploaded it to. Not used: config.json's `_name_or_path`
// (transformers 5.x drops it on save; where 4.x wrote it, it names the folder or repo the
// weights were loaded from before a fine-tune, i.e. the parent, or a local path) and a
// README's `base_model` (also the parent, not the model itself).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Artifact, LineageNode } from '../../../preload/contract';
import type { Project } from '../project/project';
import { StudioError } from '../util/errors';
import { toArtifact } from './artifacts';
import { lineageOf } from './lineage';

// One Hub name part: what huggingface_hub's validate_repo_id accepts, without "--" or "..".
const PART = /^[A-Za-z0-9](?:[\w.-]{0,94}[A-Za-z0-9])?$/;
const okPart = (p: string): boolean => PART.test(p) && !p.includes('--') && !p.includes('..');

/** "namespace/name" (or a legacy one-part id such as "gpt2" when allowed). */
export function isHubModelId(s: string, allowOnePart = false): boolean {
  const parts = s.split('/');
  if (parts.length === 1) return allowOnePart && okPart(parts[0]!);
  return parts.length === 2 && parts.every(okPart);
}

/** A string that names a place on this machine: absolute, home- or dot-relative, or with backslashes. */
export function looksLikeLocalPath(s: string): boolean {
  return /^(\/|~|\.{1,2}([/\\]|$)|[A-Za-z]:[\\/]|\\\\)/.test(s) || s.includes('\\') || s.startsWith('file:');
}

/** `…/models--Org--Name/snapshots/<sha>[/…]` → "Org/Name"; null outside a Hugging Face cache. */
export function hubIdFromCachePath(dir: string): string | null {
  const parts = resolve(dir).split(sep).filter(Boolean);
  for (let i = parts.length - 3; i >= 0; i--) {
    const m = /^models--(.+)$/.exec(parts[i]!);
    if (!m || parts[i + 1] !== 'snapshots' || !parts[i + 2]) continue;
    const id = m[1]!.split('--').join('/');
    return isHubModelId(id, true) ? id : null;
  }
  return null;
}

export type HubIdSource = 'user' | 'hf-cache' | 'upload';
export interface HubIdOf {
  id: string;
  source: HubIdSource;
}

/** The Hub id of a base-model or merged-model artifact, or null when nothing reliable names it. */
export function hubIdOfModel(project: Project | null, a: Artifact): HubIdOf | null {
  const stored = a.meta.hubId;
  if (typeof stored === 'string' && isHubModelId(stored, true)) return { id: stored, source: a.meta.hubIdSource === 'hf-cache' ? 'hf-cache' : 'user' };
  const fromCache = hubIdFromCachePath(a.path) ?? (typeof a.meta.importedFrom === 'string' ? hubIdFromCachePath(a.meta.importedFrom) : null);
  if (fromCache) return { id: fromCache, source: 'hf-cache' };
  if (project && a.kind === 'merged-model') {
    // A merged model this project pushed to huggingface.co is that repo.
    const up = project.uploads.list(a.id).find((u) => u.endpoint === 'https://huggingface.co');
    if (up) return { id: up.repo, source: 'upload' };
  }
  return null;
}

/** The adapter's own record of its base, when it is a Hub id and not a folder on this machine. */
export function hubIdInAdapterConfig(value: unknown): string | null {
  if (typeof value !== 'string' || looksLikeLocalPath(value) || existsSync(value)) return null;
  return isHubModelId(value, true) ? value : null;
}

export interface BaseModelOf {
  /** The model artifact upstream (the train or merge run's base), when the project recorded it. */
  base: Artifact | null;
  hubId: string | null;
  source: HubIdSource | 'adapter-config' | null;
}

function adapterConfigBase(dir: string): string | null {
  try {
    return hubIdInAdapterConfig((JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>).base_model_name_or_path);
  } catch {
    return null;
  }
}

/**
 * The base model of an adapter or merged model (for a base model: itself) and its Hub id: from the
 * base artifact (hubIdOfModel), else from the adapter's own adapter_config.json when that holds a Hub id.
 */
export function baseModelOf(project: Project, a: Artifact): BaseModelOf {
  let base: Artifact | null = a.kind === 'base-model' ? a : null;
  let adapter: Artifact | null = a.kind === 'adapter' ? a : null;
  if (!base) {
    // Breadth first: the nearest model upstream is the run's own base, not a base further back.
    const queue: LineageNode[] = [...(lineageOf(project, a.id).producedBy?.inputs ?? [])];
    while (queue.length) {
      const n = queue.shift()!;
      if (!base && (n.artifact.kind === 'base-model' || n.artifact.kind === 'merged-model')) base = n.artifact;
      if (!adapter && n.artifact.kind === 'adapter') adapter = n.artifact;
      queue.push(...(n.producedBy?.inputs ?? []));
    }
  }
  const own = base ? hubIdOfModel(project, base) : null;
  if (own) return { base, hubId: own.id, source: own.source };
  const fromConfig = adapter ? adapterConfigBase(adapter.path) : null;
  return { base, hubId: fromConfig, source: fromConfig ? 'adapter-config' : null };
}

/** Records (or clears, with null) the Hub id of a base or merged model artifact, as the user gave it. */
export function setModelHubId(project: Project, a: Artifact, hubId: string | null): Artifact {
  if (a.kind !== 'base-model' && a.kind !== 'merged-model') throw new StudioError('bad_input', `artifact '${a.name}' is a ${a.kind}; a Hub id belongs to a base or merged model`);
  if (hubId !== null && !isHubModelId(hubId, true)) throw new StudioError('bad_input', `'${hubId}' is not a Hub model id (namespace/name)`);
  const meta = { ...a.meta };
  if (hubId === null) {
    delete meta.hubId;
    delete meta.hubIdSource;
  } else Object.assign(meta, { hubId, hubIdSource: 'user' });
  project.store.setArtifactMeta(a.id, meta);
  return toArtifact(project, project.store.getArtifact(a.id)!);
}
