// adapter_config.json as PEFT writes it, read fully and checked. Each error
// names the file and the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../../../preload/contract';
import { StudioError } from '../../util/errors';

const AdapterConfigSchema = z
  .object({
    peft_type: z.string().optional(),
    base_model_name_or_path: z.string().nullable().optional(),
    r: z.number().int().positive(),
    lora_alpha: z.number().positive(),
    use_rslora: z.boolean().default(false),
    use_dora: z.boolean().default(false),
    fan_in_fan_out: z.boolean().default(false),
    target_modules: z.union([z.array(z.string()), z.string()]).nullable().optional(),
    exclude_modules: z.union([z.array(z.string()), z.string()]).nullable().optional(),
    rank_pattern: z.record(z.string(), z.number().int().positive()).nullable().default({}),
    alpha_pattern: z.record(z.string(), z.number().positive()).nullable().default({}),
    layers_to_transform: z.union([z.array(z.number().int().nonnegative()), z.number().int().nonnegative()]).nullable().optional(),
    layers_pattern: z.union([z.array(z.string()), z.string()]).nullable().optional(),
    modules_to_save: z.array(z.string()).nullable().optional(),
    bias: z.enum(['none', 'all', 'lora_only']).default('none'),
    lora_bias: z.boolean().default(false),
    task_type: z.string().nullable().optional(),
  })
  .passthrough();

export type AdapterConfig = z.infer<typeof AdapterConfigSchema>;

export function readAdapterConfig(dir: string): AdapterConfig {
  const file = join(dir, 'adapter_config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StudioError('bad_adapter', `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `not valid JSON (${(err as Error).message})`}`);
  }
  const r = AdapterConfigSchema.safeParse(raw);
  if (!r.success) throw new StudioError('bad_adapter', `${file}: ${describeZodError(r.error)}`);
  if (r.data.peft_type && r.data.peft_type !== 'LORA') throw new StudioError('bad_adapter', `${file}: peft_type ${r.data.peft_type} is not LORA; only LoRA adapters can be merged`);
  return r.data;
}

/** PEFT's pattern lookup: the first key that matches the module name as a dotted suffix. */
function patternFor<T>(patterns: Record<string, T> | null | undefined, module: string): T | undefined {
  for (const [key, value] of Object.entries(patterns ?? {})) {
    if (new RegExp(`^(.*\\.)?(${key})$`).test(module)) return value;
  }
  return undefined;
}

export function rankAndAlpha(cfg: AdapterConfig, module: string): { r: number; alpha: number } {
  return { r: patternFor(cfg.rank_pattern, module) ?? cfg.r, alpha: patternFor(cfg.alpha_pattern, module) ?? cfg.lora_alpha };
}

/** lora_alpha / r, or lora_alpha / sqrt(r) with rsLoRA. */
export function scalingFor(cfg: AdapterConfig, module: string): number {
  const { r, alpha } = rankAndAlpha(cfg, module);
  return cfg.use_rslora ? alpha / Math.sqrt(r) : alpha / r;
}

/** Whether PEFT would have put a LoRA on this module (target_modules list = suffix match, string = full regex). */
export function isTargeted(cfg: AdapterConfig, module: string): boolean {
  const t = cfg.target_modules;
  if (t === null || t === undefined) return true; // unknown: trust the weights
  if (typeof t === 'string') {
    if (t === 'all-linear') return true;
    return new RegExp(`^(?:${t})$`).test(module);
  }
  return t.some((name) => module === name || module.endsWith(`.${name}`));
}

export function layerAllowed(cfg: AdapterConfig, module: string): boolean {
  if (cfg.layers_to_transform === null || cfg.layers_to_transform === undefined) return true;
  const allowed = Array.isArray(cfg.layers_to_transform) ? cfg.layers_to_transform : [cfg.layers_to_transform];
  const m = /\.(?:layers|blocks|h)\.(\d+)\./.exec(`${module}.`);
  return m ? allowed.includes(Number(m[1])) : true;
}
