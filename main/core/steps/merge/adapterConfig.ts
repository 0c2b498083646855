// adapter_config.json as PEFT writes it, read fully and checked. Each error
// names the file and the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../../../preload/contract';
import { StudioError } from '../../util/errors';
import { RegexError, pythonToJsRegex, safeRegexTest } from '../../util/safeRegex';
import { MAX_LORA_SCALE } from '../../../../preload/contract/train';

const AdapterConfigSchema = z
  .object({
    peft_type: z.string().optional(),
    base_model_name_or_path: z.string().nullable().optional(),
    r: z.number().int().positive(),
    lora_alpha: z.number().positive(),
    use_rslora: z.boolean().default(false),
    use_dora: z.boolean().default(false),
    fan_in_fan_out: z.boolean().default(false),
    target_modules: z
      .union([z.array(z.string()), z.string()])
      .nullable()
      .optional(),
    exclude_modules: z
      .union([z.array(z.string()), z.string()])
      .nullable()
      .optional(),
    rank_pattern: z.record(z.string(), z.number().int().positive()).nullable().default({}),
    alpha_pattern: z.record(z.string(), z.number().positive()).nullable().default({}),
    layers_to_transform: z
      .union([z.array(z.number().int().nonnegative()), z.number().int().nonnegative()])
      .nullable()
      .optional(),
    layers_pattern: z
      .union([z.array(z.string()), z.string()])
      .nullable()
      .optional(),
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
  configFiles.set(r.data, file);
  return r.data;
}

// The file each config came from, so regex errors can name it; and, per config,
// pattern → module → result, filled in one worker round trip by primePatterns.
const configFiles = new WeakMap<AdapterConfig, string>();
const matchCache = new WeakMap<AdapterConfig, Map<string, Map<string, boolean>>>();

/** The regexes a config holds, each in the form PEFT applies it (fullmatch or dotted-suffix match). */
function configPatterns(cfg: AdapterConfig): { field: string; source: string }[] {
  const out: { field: string; source: string }[] = [];
  if (typeof cfg.target_modules === 'string' && cfg.target_modules !== 'all-linear') out.push({ field: 'target_modules', source: fullmatchSource(cfg.target_modules) });
  for (const field of ['rank_pattern', 'alpha_pattern'] as const)
    for (const key of Object.keys(cfg[field] ?? {})) out.push({ field: `${field} key ${JSON.stringify(key)}`, source: suffixSource(key) });
  return out;
}

// PEFT: re.fullmatch(target_modules, key); patterns: re.match(rf"(.*\.)?({key})$", key).
const fullmatchSource = (p: string): string => `^(?:${pythonToJsRegex(p)})$`;
const suffixSource = (key: string): string => `^(.*\\.)?(${pythonToJsRegex(key)})$`;

function evaluate(cfg: AdapterConfig, field: string, source: string, modules: readonly string[]): boolean[] {
  try {
    return safeRegexTest(source, modules);
  } catch (err) {
    if (err instanceof RegexError) throw new StudioError('bad_adapter', `${configFiles.get(cfg) ?? 'adapter_config.json'}: ${field}: ${err.message}`);
    throw err;
  }
}

/** Evaluates every regex of the config on these modules at once (off the main thread, bounded in time). */
export function primePatterns(cfg: AdapterConfig, modules: readonly string[]): void {
  const cache = matchCache.get(cfg) ?? new Map<string, Map<string, boolean>>();
  matchCache.set(cfg, cache);
  for (const { field, source } of configPatterns(cfg)) {
    const results = evaluate(cfg, field, source, modules);
    const m = cache.get(source) ?? new Map<string, boolean>();
    modules.forEach((mod, i) => m.set(mod, results[i]!));
    cache.set(source, m);
  }
}

function matches(cfg: AdapterConfig, field: string, source: string, module: string): boolean {
  const hit = matchCache.get(cfg)?.get(source)?.get(module);
  if (hit !== undefined) return hit;
  return evaluate(cfg, field, source, [module])[0]!;
}

/** PEFT's pattern lookup: the first key that matches the module name as a dotted suffix. */
function patternFor<T>(cfg: AdapterConfig, field: 'rank_pattern' | 'alpha_pattern', patterns: Record<string, T> | null | undefined, module: string): T | undefined {
  for (const [key, value] of Object.entries(patterns ?? {})) {
    if (matches(cfg, `${field} key ${JSON.stringify(key)}`, suffixSource(key), module)) return value;
  }
  return undefined;
}

export function rankAndAlpha(cfg: AdapterConfig, module: string): { r: number; alpha: number } {
  return { r: patternFor(cfg, 'rank_pattern', cfg.rank_pattern, module) ?? cfg.r, alpha: patternFor(cfg, 'alpha_pattern', cfg.alpha_pattern, module) ?? cfg.lora_alpha };
}

// Real adapters scale by alpha/r of about 0.1–64; far beyond that the merge only overflows (the Train form refuses the same bound).
export { MAX_LORA_SCALE };

/** lora_alpha / r, or lora_alpha / sqrt(r) with rsLoRA; an absurd or non-finite scale is refused by file and field. */
export function scalingFor(cfg: AdapterConfig, module: string): number {
  const { r, alpha } = rankAndAlpha(cfg, module);
  const scale = cfg.use_rslora ? alpha / Math.sqrt(r) : alpha / r;
  if (!Number.isFinite(scale) || Math.abs(scale) > MAX_LORA_SCALE) {
    const field = patternFor(cfg, 'alpha_pattern', cfg.alpha_pattern, module) !== undefined ? 'alpha_pattern' : 'lora_alpha';
    throw new StudioError(
      'bad_adapter',
      `${configFiles.get(cfg) ?? 'adapter_config.json'}: ${field} ${alpha} with r=${r}${cfg.use_rslora ? ' (rsLoRA)' : ''} gives a LoRA scale of ${scale} for '${module}', outside the usable range (|scale| ≤ ${MAX_LORA_SCALE})`,
    );
  }
  return scale;
}

/** Whether PEFT would have put a LoRA on this module (target_modules list = suffix match, string = full regex). */
export function isTargeted(cfg: AdapterConfig, module: string): boolean {
  const t = cfg.target_modules;
  if (t === null || t === undefined) return true; // unknown: trust the weights
  if (typeof t === 'string') {
    if (t === 'all-linear') return true;
    return matches(cfg, 'target_modules', fullmatchSource(t), module);
  }
  return t.some((name) => module === name || module.endsWith(`.${name}`));
}

export function layerAllowed(cfg: AdapterConfig, module: string): boolean {
  if (cfg.layers_to_transform === null || cfg.layers_to_transform === undefined) return true;
  const allowed = Array.isArray(cfg.layers_to_transform) ? cfg.layers_to_transform : [cfg.layers_to_transform];
  const m = /\.(?:layers|blocks|h)\.(\d+)\./.exec(`${module}.`);
  return m ? allowed.includes(Number(m[1])) : true;
}
