// Nothing uploaded names a place on the user's machine. Before the commit: the adapter's
// base_model_name_or_path becomes the base's Hub id (or the upload is refused, naming the file
// and field), a merged config.json loses a local `_name_or_path`, and every other text file is
// checked for local paths (JSON string fields that are paths; the home, project and artifact
// folders anywhere in the text). Files are rewritten in memory only; the local copies stay.
import { homedir } from 'node:os';
import { readFileSync } from 'node:fs';
import { StudioError } from '../../util/errors';
import type { WalkEntry } from '../../util/hash';
import { hubIdInAdapterConfig } from '../../lineage/hubId';

const TEXT = /\.(json|md|txt|jinja|ya?ml|py|sh|cfg|ini|toml)$/i;
const MAX_TEXT_BYTES = 32 * 1024 * 1024;
// Vocabulary data, not settings: tokens such as "/**" are not paths.
const VOCAB = new Set(['tokenizer.json', 'vocab.json', 'merges.txt']);

/** A JSON string value that is a path on some machine (absolute with two parts or more, home, dot, drive, UNC, file:). */
export function isLocalPathValue(s: string): boolean {
  if (s.length > 4096 || /[\n\r]/.test(s)) return false;
  return (
    /^\/[^/\s]+(\/[^/]*)+$/.test(s) ||
    /^\/(home|Users|root|tmp|mnt|data|workspace|scratch)(\/|$)/.test(s) ||
    /^~[/\\]/.test(s) ||
    /^\.{1,2}[/\\]/.test(s) ||
    /^[A-Za-z]:[\\/]/.test(s) ||
    /^\\\\[^\\]/.test(s) ||
    /^file:/i.test(s)
  );
}

/** Every string field of a JSON value that is a local path, as "a.b[2].c". */
export function localPathFields(value: unknown, at = ''): { field: string; value: string }[] {
  if (typeof value === 'string') return isLocalPathValue(value) ? [{ field: at || '(the whole file)', value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => localPathFields(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => localPathFields(v, at ? `${at}.${k}` : k));
  return [];
}

export interface PreparedFile {
  rel: string;
  size: number;
  /** Set when the upload sends another text than the file on disk. */
  content?: string;
  path: string;
}

export interface PrepareInput {
  kind: 'adapter' | 'merged-model';
  files: WalkEntry[];
  /** The base model's Hub id, when the project or the user knows it. */
  baseModelId: string | null;
  /** Folders whose paths must not appear in anything uploaded (the artifact's, the project's). */
  privateDirs: string[];
  log?: (message: string) => void;
}

const json = (text: string, rel: string): Record<string, unknown> => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new StudioError('bad_input', `${rel}: not valid JSON (${(err as Error).message})`);
  }
};
const encode = (o: unknown): string => `${JSON.stringify(o, null, 2)}\n`;

function dropNameOrPath(cfg: Record<string, unknown>): boolean {
  let changed = false;
  for (const o of [cfg, cfg.text_config, cfg.vision_config]) {
    const c = o as Record<string, unknown> | undefined;
    if (c && typeof c === 'object' && typeof c._name_or_path === 'string' && isLocalPathValue(c._name_or_path)) {
      delete c._name_or_path;
      changed = true;
    }
  }
  return changed;
}

/** The files as they will be uploaded; throws 'local_path' naming the file and field when one would leak. */
export function prepareUpload(input: PrepareInput): PreparedFile[] {
  const out: PreparedFile[] = [];
  const home = homedir();
  const needles = [...input.privateDirs, ...(home.length > 1 ? [home] : [])].filter((d) => d.length > 1);
  for (const f of input.files) {
    if (!TEXT.test(f.rel) || f.size > MAX_TEXT_BYTES) {
      out.push({ rel: f.rel, size: f.size, path: f.path });
      continue;
    }
    let text = readFileSync(f.path, 'utf8');
    let content: string | undefined;
    if (input.kind === 'adapter' && f.rel === 'adapter_config.json') {
      const cfg = json(text, f.rel);
      const recorded = cfg.base_model_name_or_path;
      const id = input.baseModelId ?? hubIdInAdapterConfig(recorded);
      if (!id)
        throw new StudioError(
          'base_model_unknown',
          `adapter_config.json: base_model_name_or_path is ${typeof recorded === 'string' ? `the local folder ${recorded}` : 'not set'}, and the project does not know the base model's Hub id; give it (Upload → "Base model on the Hub", or import the base with its Hub id) so the uploaded adapter names its base and not a folder on this machine`,
        );
      if (recorded !== id) {
        cfg.base_model_name_or_path = id;
        content = encode(cfg);
        input.log?.(`adapter_config.json: base_model_name_or_path ${typeof recorded === 'string' ? `${recorded} → ` : ''}${id} in the upload (the local file is unchanged)`);
      }
    } else if (input.kind === 'merged-model' && f.rel === 'config.json') {
      const cfg = json(text, f.rel);
      if (dropNameOrPath(cfg)) {
        content = encode(cfg);
        input.log?.('config.json: the local _name_or_path is left out of the upload');
      }
    }
    if (content !== undefined) text = content;
    if (f.rel.endsWith('.json') && !VOCAB.has(f.rel.split('/').pop()!)) {
      const hit = localPathFields(json(text, f.rel))[0];
      if (hit)
        throw new StudioError(
          'local_path',
          `${f.rel}: ${hit.field} is a local path (${hit.value}); it would be uploaded as it is, so the upload stops here. Remove it from the file or upload the folder without it.`,
        );
    }
    const leaked = needles.find((d) => text.includes(d));
    if (leaked)
      throw new StudioError(
        'local_path',
        `${f.rel} names the local folder ${leaked}; it would be uploaded as it is, so the upload stops here. Remove it from the file or upload the folder without it.`,
      );
    out.push({ rel: f.rel, size: content !== undefined ? Buffer.byteLength(content) : f.size, path: f.path, ...(content !== undefined ? { content } : {}) });
  }
  return out;
}
