// A Hugging Face model folder: config.json plus safetensors shards, found
// through model.safetensors.index.json when there is one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHeader, type TensorHeader } from '../../native/safetensors';
import { StudioError } from '../../util/errors';

export interface BaseModel {
  dir: string;
  config: Record<string, unknown>;
  /** Tensors in checkpoint order: shard by shard, each shard in file order. */
  tensors: (TensorHeader & { file: string })[];
  byName: Map<string, TensorHeader & { file: string }>;
  shardFiles: string[];
}

const INDEX = 'model.safetensors.index.json';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StudioError('bad_model', `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `not valid JSON (${(err as Error).message})`}`);
  }
}

export function readBaseModel(dir: string): BaseModel {
  if (!existsSync(dir)) throw new StudioError('not_found', `${dir} does not exist`);
  const config = readJson(join(dir, 'config.json'));
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new StudioError('bad_model', `${join(dir, 'config.json')}: must be a JSON object`);
  let shardFiles: string[];
  let weightMap: Record<string, string> | null = null;
  if (existsSync(join(dir, INDEX))) {
    const index = readJson(join(dir, INDEX)) as { weight_map?: unknown };
    if (typeof index.weight_map !== 'object' || index.weight_map === null) throw new StudioError('bad_model', `${join(dir, INDEX)}: weight_map is missing`);
    weightMap = index.weight_map as Record<string, string>;
    shardFiles = [...new Set(Object.values(weightMap))].sort();
    for (const f of shardFiles) if (!existsSync(join(dir, f))) throw new StudioError('bad_model', `${join(dir, INDEX)}: shard ${f} is listed but missing`);
  } else {
    shardFiles = readdirSync(dir)
      .filter((f) => f.endsWith('.safetensors'))
      .sort();
    if (!shardFiles.length) throw new StudioError('bad_model', `${dir}: no *.safetensors weights (and no ${INDEX})`);
  }
  const tensors: BaseModel['tensors'] = [];
  const byName = new Map<string, TensorHeader & { file: string }>();
  for (const f of shardFiles) {
    const file = join(dir, f);
    for (const t of readHeader(file).tensors) {
      if (byName.has(t.name)) throw new StudioError('bad_model', `${file}: tensor '${t.name}' also appears in ${byName.get(t.name)!.file}`);
      const entry = { ...t, file };
      tensors.push(entry);
      byName.set(t.name, entry);
    }
  }
  if (weightMap) {
    for (const [name, f] of Object.entries(weightMap)) {
      const t = byName.get(name);
      if (!t) throw new StudioError('bad_model', `${join(dir, INDEX)}: '${name}' is mapped to ${f} but no shard holds it`);
      if (t.file !== join(dir, f)) throw new StudioError('bad_model', `${join(dir, INDEX)}: '${name}' is mapped to ${f} but lives in ${t.file}`);
    }
  }
  return { dir, config: config as Record<string, unknown>, tensors, byName, shardFiles };
}
