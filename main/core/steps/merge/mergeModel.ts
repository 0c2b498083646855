// Merge an adapter into its base and write a complete model folder: shards +
// index, config.json with the output dtype, every tokenizer/processor/template
// file, and a model card. Written to a temporary sibling and renamed into place
// only when complete; a failure or cancel leaves nothing behind.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { runNativeMerge, type MergeProgress } from '../../native/safetensors';
import { StudioError } from '../../util/errors';
import { nowIso } from '../../util/time';
import { readAdapterConfig } from './adapterConfig';
import { readBaseModel } from './baseModel';
import { modelCard } from './modelCard';
import { hubIdFromCachePath, hubIdInAdapterConfig } from '../../lineage/hubId';
import { planMerge, type PlanOptions } from './planMerge';

export interface MergeOptions extends Partial<PlanOptions> {
  baseDir: string;
  adapterDir: string;
  outDir: string;
  lineage?: string[];
  /** The base's Hub id for the card; by default the Hugging Face cache layout of baseDir, or the adapter's recorded Hub id. */
  baseModelId?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: MergeProgress) => void;
}

export interface MergeResult {
  outDir: string;
  shards: string[];
  totalBytes: number;
  mergedModules: number;
  /** The shards went to disk with direct I/O (Linux), not through the page cache. */
  directIo: boolean;
}

const DTYPE_NAMES: Record<string, string> = { BF16: 'bfloat16', F16: 'float16', F32: 'float32', F64: 'float64' };
// Weights and files we regenerate are not copied from the base folder.
const SKIP = (f: string): boolean =>
  f.endsWith('.safetensors') ||
  f.endsWith('.bin') ||
  f.endsWith('.pt') ||
  f.endsWith('.pth') ||
  f.endsWith('.gguf') ||
  f.startsWith('.') ||
  ['model.safetensors.index.json', 'pytorch_model.bin.index.json', 'config.json', 'README.md'].includes(f);

function fixConfig(config: Record<string, unknown>, dtype: string | null, untie: boolean): Record<string, unknown> {
  const c = structuredClone(config);
  const set = (o: Record<string, unknown>): void => {
    if (dtype) {
      // transformers 4.x reads torch_dtype, 5.x reads dtype: write both where the base had either.
      o.torch_dtype = dtype;
      o.dtype = dtype;
    }
    if (untie && 'tie_word_embeddings' in o) o.tie_word_embeddings = false;
  };
  set(c);
  if (untie) c.tie_word_embeddings = false;
  // Where the base was loaded from (transformers 4.x wrote it): often a path on this machine, and never this model.
  for (const o of [c, c.text_config, c.vision_config]) if (o && typeof o === 'object') delete (o as Record<string, unknown>)._name_or_path;
  for (const k of ['text_config', 'vision_config']) {
    const sub = c[k] as Record<string, unknown> | undefined;
    if (sub && typeof sub === 'object' && ('dtype' in sub || 'torch_dtype' in sub || (untie && 'tie_word_embeddings' in sub))) set(sub);
  }
  return c;
}

export async function mergeModel(o: MergeOptions): Promise<MergeResult> {
  const outDir = resolve(o.outDir);
  if (existsSync(outDir)) throw new StudioError('exists', `${outDir} already exists; choose a new folder for the merged model`);
  const base = readBaseModel(resolve(o.baseDir));
  const cfg = readAdapterConfig(resolve(o.adapterDir));
  mkdirSync(dirname(outDir), { recursive: true });
  const tmp = `${outDir}.partial-${randomBytes(4).toString('hex')}`;
  const plan = planMerge(base, resolve(o.adapterDir), cfg, tmp, {
    outDtype: o.outDtype ?? 'bf16',
    rounding: o.rounding ?? 'peft',
    maxShardBytes: o.maxShardBytes ?? 5 * 1024 ** 3,
    threads: o.threads,
    io: o.io,
  });
  mkdirSync(tmp);
  let directIo = false;
  try {
    ({ directIo } = await runNativeMerge(plan.native, (p) => o.onProgress?.(p), o.signal));
    const dtype = plan.outDtype ? (DTYPE_NAMES[plan.outDtype] ?? null) : null;
    writeFileSync(join(tmp, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: plan.totalBytes }, weight_map: sortKeys(plan.weightMap) }, null, 2) + '\n');
    writeFileSync(join(tmp, 'config.json'), JSON.stringify(fixConfig(base.config, dtype, plan.untiedLmHead), null, 2) + '\n');
    for (const f of readdirSync(base.dir)) {
      if (SKIP(f) || !statSync(join(base.dir, f)).isFile()) continue;
      copyFileSync(join(base.dir, f), join(tmp, f));
    }
    writeFileSync(
      join(tmp, 'README.md'),
      modelCard({
        baseDir: base.dir,
        baseModelId: o.baseModelId !== undefined ? o.baseModelId : (hubIdFromCachePath(base.dir) ?? hubIdInAdapterConfig(cfg.base_model_name_or_path)),
        adapterDir: resolve(o.adapterDir),
        cfg,
        dtype: dtype ?? 'original dtypes',
        rounding: o.rounding ?? 'peft',
        mergedModules: plan.mergedModules,
        replaced: plan.replaced,
        untiedLmHead: plan.untiedLmHead,
        lineage: o.lineage ?? [],
        createdAt: nowIso(),
      }),
    );
    if (o.signal?.aborted) throw new StudioError('cancelled', 'merge cancelled');
    renameSync(tmp, outDir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { outDir, shards: plan.native.shards.map((s) => basename(s.path)), totalBytes: plan.totalBytes, mergedModules: plan.mergedModules, directIo };
}

function sortKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
