// Decides, for every base tensor, whether it is copied, converted, merged with
// a LoRA pair or replaced (modules_to_save) — and refuses any adapter key that
// would end up unused. No bytes move here; the native engine executes the plan.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { DTYPE_BYTES, isFloatDType, readHeader, type DType, type MergeTensorPlan, type NativeMergePlan, type TensorHeader, type WriteIo } from '../../native/safetensors';
import { StudioError } from '../../util/errors';
import { isTargeted, layerAllowed, primePatterns, rankAndAlpha, scalingFor, type AdapterConfig } from './adapterConfig';
import type { BaseModel } from './baseModel';
import { parseAdapterKey, resolveBaseKey, type ParsedAdapterKey } from './keyMapping';

export interface PlanOptions {
  outDtype: 'bf16' | 'keep';
  rounding: 'peft' | 'single';
  maxShardBytes: number;
  threads?: number;
  io?: WriteIo;
}

export interface MergePlan {
  native: NativeMergePlan;
  weightMap: Record<string, string>;
  totalBytes: number;
  mergedModules: number;
  replaced: number;
  untiedLmHead: boolean;
  outDtype: DType | null; // the float dtype of the output, for config.json
}

interface Group {
  module: string;
  A?: TensorHeader;
  B?: TensorHeader;
  embedding?: boolean;
  magnitude?: TensorHeader;
  keys: string[];
}

const shape = (s: number[]): string => `[${s.join(', ')}]`;

export function planMerge(base: BaseModel, adapterDir: string, cfg: AdapterConfig, outDir: string, opts: PlanOptions): MergePlan {
  const adapterFile = join(adapterDir, 'adapter_model.safetensors');
  if (!existsSync(adapterFile)) {
    const bin = existsSync(join(adapterDir, 'adapter_model.bin'));
    throw new StudioError('bad_adapter', `${adapterFile}: missing${bin ? ' (this adapter is in the old .bin format; re-save it with safetensors)' : ''}`);
  }
  if (cfg.lora_bias) throw new StudioError('bad_adapter', `${join(adapterDir, 'adapter_config.json')}: lora_bias adapters are not supported by the merge yet`);
  const adapter = readHeader(adapterFile);
  const has = (n: string): boolean => base.byName.has(n);
  const tied = Boolean(base.config.tie_word_embeddings ?? (base.config.text_config as Record<string, unknown> | undefined)?.tie_word_embeddings);

  const groups = new Map<string, Group>();
  const replacements = new Map<string, TensorHeader>(); // base tensor name → adapter tensor
  for (const t of adapter.tensors) {
    const p: ParsedAdapterKey | null = parseAdapterKey(t.name);
    if (!p) throw new StudioError('bad_adapter', `${adapterFile}: key '${t.name}' is not a PEFT LoRA key (expected base_model.model.<module>.lora_A.weight …)`);
    if (!isFloatDType(t.dtype)) throw new StudioError('bad_adapter', `${adapterFile}: key '${t.name}' has unsupported dtype ${t.dtype}`);
    if (p.part === 'replace') {
      const target = resolveBaseKey(p.module, p.suffix, has);
      if (!target) throw new StudioError('bad_adapter', `${adapterFile}: key '${t.name}' (modules_to_save / bias) matches no tensor of the base model`);
      const b = base.byName.get(target)!;
      if (shape(b.shape) !== shape(t.shape))
        throw new StudioError('bad_adapter', `${adapterFile}: key '${t.name}' has shape ${shape(t.shape)} but base '${target}' is ${shape(b.shape)}`);
      replacements.set(target, t);
      continue;
    }
    if (p.part === 'lora_B_bias') throw new StudioError('bad_adapter', `${adapterFile}: key '${t.name}' is a LoRA bias, which the merge does not support yet`);
    const g = groups.get(p.module) ?? { module: p.module, keys: [] };
    g.keys.push(t.name);
    if (p.part === 'lora_A' || p.part === 'lora_embedding_A') g.A = t;
    if (p.part === 'lora_B' || p.part === 'lora_embedding_B') g.B = t;
    if (p.part === 'lora_embedding_A' || p.part === 'lora_embedding_B') g.embedding = true;
    if (p.part === 'magnitude') g.magnitude = t;
    groups.set(p.module, g);
  }

  // The config's user regexes, all modules in one bounded worker round trip.
  primePatterns(cfg, [...groups.keys()]);
  const loras = new Map<string, NonNullable<MergeTensorPlan['loras']>>(); // base tensor → loras
  let untiedLmHead = false;
  let lmHeadSource: string | null = null; // the embedding an untied lm_head starts from
  for (const g of groups.values()) {
    const where = `${adapterFile}: module '${g.module}'`;
    if (!g.A || !g.B) throw new StudioError('bad_adapter', `${where} has ${g.A ? 'lora_A but no lora_B' : 'lora_B but no lora_A'}`);
    if (!isTargeted(cfg, g.module)) throw new StudioError('bad_adapter', `${where} is not in target_modules ${JSON.stringify(cfg.target_modules)}`);
    if (!layerAllowed(cfg, g.module)) throw new StudioError('bad_adapter', `${where} is outside layers_to_transform ${JSON.stringify(cfg.layers_to_transform)}`);
    if (cfg.use_dora && !g.magnitude) throw new StudioError('bad_adapter', `${where}: use_dora is set but lora_magnitude_vector is missing`);
    if (!cfg.use_dora && g.magnitude) throw new StudioError('bad_adapter', `${where}: has a DoRA magnitude but use_dora is false`);
    const { r } = rankAndAlpha(cfg, g.module);
    const rankA = g.embedding ? g.A.shape[0] : g.A.shape[0];
    if (rankA !== r) throw new StudioError('bad_adapter', `${where}: lora_A has rank ${rankA} but adapter_config says r=${r}`);
    let target = resolveBaseKey(g.module, 'weight', has);
    let srcName = target;
    if (!target && /(^|\.)lm_head$/.test(g.module) && tied) {
      // Tied embeddings: the merged head gets its own tensor (and the config is untied).
      srcName = resolveBaseKey('model.language_model.embed_tokens', 'weight', has) ?? resolveBaseKey('model.embed_tokens', 'weight', has);
      target = 'lm_head.weight';
      untiedLmHead = true;
      lmHeadSource = srcName;
    }
    if (!target || !srcName) throw new StudioError('bad_adapter', `${where}: the base model has no weight for this module (looked for ${g.module}.weight and its known aliases)`);
    const w = base.byName.get(srcName)!;
    const fanInFanOut = g.embedding ? true : cfg.fan_in_fan_out;
    const out = fanInFanOut ? w.shape[1] : w.shape[0];
    const inn = fanInFanOut ? w.shape[0] : w.shape[1];
    if (w.shape.length !== 2 || g.B.shape[0] !== out || g.A.shape[1] !== inn || g.B.shape[1] !== rankA)
      throw new StudioError('bad_adapter', `${where}: shape mismatch — base '${srcName}' is ${shape(w.shape)}, lora_A ${shape(g.A.shape)}, lora_B ${shape(g.B.shape)}`);
    const list = loras.get(target) ?? [];
    list.push({ file: adapterFile, a: g.A.name, b: g.B.name, magnitude: g.magnitude?.name, scale: scalingFor(cfg, g.module), fanInFanOut });
    loras.set(target, list);
  }

  // Output tensors in base order; an untied lm_head goes last.
  const outDtype = (d: DType): DType => (opts.outDtype === 'bf16' && isFloatDType(d) ? 'BF16' : d);
  const planned: (MergeTensorPlan & { bytes: number })[] = [];
  for (const t of base.tensors) {
    const rep = replacements.get(t.name);
    const src = rep ? { srcFile: adapterFile, srcTensor: rep.name, dtype: rep.dtype } : { srcFile: t.file, srcTensor: t.name, dtype: t.dtype };
    const od = outDtype(t.dtype);
    planned.push({ name: t.name, srcFile: src.srcFile, srcTensor: src.srcTensor, outDtype: od, loras: loras.get(t.name), bytes: numel(t.shape) * DTYPE_BYTES[od] });
  }
  if (lmHeadSource) {
    const w = base.byName.get(lmHeadSource)!;
    const od = outDtype(w.dtype);
    planned.push({ name: 'lm_head.weight', srcFile: w.file, srcTensor: w.name, outDtype: od, loras: loras.get('lm_head.weight'), bytes: numel(w.shape) * DTYPE_BYTES[od] });
  }

  // Pack into shards no larger than maxShardBytes (one big tensor may exceed it alone).
  const packs: (typeof planned)[] = [];
  let cur: typeof planned = [];
  let size = 0;
  for (const t of planned) {
    if (cur.length && size + t.bytes > opts.maxShardBytes) {
      packs.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(t);
    size += t.bytes;
  }
  if (cur.length) packs.push(cur);
  const pad = (n: number): string => String(n).padStart(5, '0');
  const weightMap: Record<string, string> = {};
  const shards = packs.map((p, i) => {
    const file = `model-${pad(i + 1)}-of-${pad(packs.length)}.safetensors`;
    for (const t of p) weightMap[t.name] = file;
    return { path: join(outDir, file), metadata: { format: 'pt' }, tensors: p.map(({ bytes: _b, ...t }) => t) };
  });
  const floatOut = planned.find((t) => isFloatDType(t.outDtype))?.outDtype ?? null;
  return {
    native: { rounding: opts.rounding, threads: opts.threads, io: opts.io, shards },
    weightMap,
    totalBytes: planned.reduce((s, t) => s + t.bytes, 0),
    mergedModules: groups.size,
    replaced: replacements.size,
    untiedLmHead,
    outDtype: floatOut,
  };
}

function numel(s: number[]): number {
  return s.reduce((a, b) => a * b, 1);
}
