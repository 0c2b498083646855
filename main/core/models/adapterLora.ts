// Starting a run from an existing PEFT adapter: its adapter_config.json decides the LoRA shape
// (r, alpha, rsLoRA, dropout, targets), so the engine can load its A/B weights as they are.
// Only what the engine trains can be started from: LoRA on the text decoder's projections.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LORA_TARGETS, MAX_LORA_SCALE } from '../../../preload/contract/train';
import { StudioError } from '../util/errors';

type Target = (typeof LORA_TARGETS)[number];

export interface AdapterLora {
  r: number;
  alpha: number;
  rslora: boolean;
  dropout: number;
  targets: Target[];
}

export function loraOfAdapter(dir: string): AdapterLora {
  const file = join(dir, 'adapter_config.json');
  const bad = (field: string, why: string) => new StudioError('bad_adapter', `${file}: ${field} ${why}`);
  if (!existsSync(join(dir, 'adapter_model.safetensors'))) throw new StudioError('bad_adapter', `${dir}: has no adapter_model.safetensors`);
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new StudioError('bad_adapter', `${file}: cannot be read as JSON (${(e as Error).message})`);
  }
  if (cfg.peft_type !== undefined && cfg.peft_type !== 'LORA') throw bad('peft_type', `is ${JSON.stringify(cfg.peft_type)}; only LoRA adapters can be trained further`);
  if (cfg.use_dora) throw bad('use_dora', 'is true; the engine trains plain LoRA, not DoRA');
  if (cfg.bias !== undefined && cfg.bias !== 'none') throw bad('bias', `is ${JSON.stringify(cfg.bias)}; the engine trains no biases`);
  if (Array.isArray(cfg.modules_to_save) && cfg.modules_to_save.length) throw bad('modules_to_save', 'is not empty; the engine trains LoRA weights only');
  for (const k of ['rank_pattern', 'alpha_pattern'] as const)
    if (cfg[k] && typeof cfg[k] === 'object' && Object.keys(cfg[k] as object).length) throw bad(k, 'is not empty; the engine uses one rank and alpha for every module');
  const r = cfg.r;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1) throw bad('r', 'must be a positive integer');
  const alpha = cfg.lora_alpha ?? r;
  if (typeof alpha !== 'number' || !(alpha > 0)) throw bad('lora_alpha', 'must be a positive number');
  // JSON reads 1e400 as Infinity: a scale nothing can train with is refused here, naming the field.
  const scale = cfg.use_rslora === true ? alpha / Math.sqrt(r) : alpha / r;
  if (!Number.isFinite(scale) || scale > MAX_LORA_SCALE) throw bad('lora_alpha', `${alpha} with r=${r} gives a LoRA scale of ${scale}; at most ${MAX_LORA_SCALE} trains`);
  const raw = cfg.target_modules;
  // PEFT writes a list (saved as a JSON array, sometimes a set's order) or a regex string.
  if (!Array.isArray(raw)) throw bad('target_modules', `is ${JSON.stringify(raw)}; a list of projection names (q_proj … down_proj) is needed`);
  const targets = raw.map(String);
  const unknown = targets.filter((t) => !(LORA_TARGETS as readonly string[]).includes(t));
  if (unknown.length) throw bad('target_modules', `names ${unknown.join(', ')}; the engine trains ${LORA_TARGETS.join(', ')}`);
  const dropout = typeof cfg.lora_dropout === 'number' ? cfg.lora_dropout : 0;
  return { r, alpha, rslora: cfg.use_rslora === true, dropout, targets: LORA_TARGETS.filter((t) => targets.includes(t)) };
}
