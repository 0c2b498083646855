// A Qwen3-VL folder whose config.json and weights disagree on how many layers
// there are is refused before the engine loads it: with fewer layers in the
// config the extra weights would be silently ignored, with more the engine
// would meet missing tensors deep inside a load. Only the safetensors headers
// are read (tensor names), never the weights.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readHeader } from '../native/safetensors';
import { StudioError } from '../util/errors';

// transformers 5 / 4.57 names, and the older layout without the model. prefix on the language model.
const DECODER_LAYER = /^(?:model\.language_model|language_model\.model|model)\.layers\.(\d+)\./;
const VISION_BLOCK = /^(?:model\.)?visual\.blocks\.(\d+)\./;

interface Count {
  field: string;
  declared: number;
  what: string;
  pattern: RegExp;
  found: Set<number>;
}

const bad = (message: string) => new StudioError('bad_model', message);

function declared(cfgFile: string, obj: unknown, path: string[]): number | null {
  let v: unknown = obj;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw bad(`${cfgFile}: ${path.join('.')} is ${JSON.stringify(v)}; a positive whole number of layers is needed`);
  return v;
}

function describe(found: Set<number>): string {
  if (!found.size) return 'none';
  const xs = [...found].sort((a, b) => a - b);
  return xs.length > 6 ? `${xs.length} (${xs[0]}–${xs.at(-1)})` : `${xs.length} (${xs.join(', ')})`;
}

/** Throws, naming the file and field, when config.json's layer counts do not match the layers in the safetensors files. */
export function checkModelLayers(dir: string): void {
  const cfgFile = join(dir, 'config.json');
  if (!existsSync(cfgFile)) throw bad(`${dir} has no config.json`);
  let cfg: unknown;
  try {
    cfg = JSON.parse(readFileSync(cfgFile, 'utf8'));
  } catch (e) {
    throw bad(`${cfgFile}: cannot be read as JSON (${(e as Error).message})`);
  }
  const counts: Count[] = [];
  const text = declared(cfgFile, cfg, ['text_config', 'num_hidden_layers']);
  const textField = text !== null ? 'text_config.num_hidden_layers' : 'num_hidden_layers';
  const textN = text ?? declared(cfgFile, cfg, ['num_hidden_layers']);
  if (textN === null) throw bad(`${cfgFile}: text_config.num_hidden_layers is missing; the number of decoder layers cannot be known`);
  counts.push({ field: textField, declared: textN, what: 'decoder layers', pattern: DECODER_LAYER, found: new Set() });
  const depth = declared(cfgFile, cfg, ['vision_config', 'depth']);
  if (depth !== null) counts.push({ field: 'vision_config.depth', declared: depth, what: 'vision blocks', pattern: VISION_BLOCK, found: new Set() });

  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.safetensors'))
    .sort();
  if (!files.length) throw bad(`${dir} has no .safetensors weights`);
  for (const f of files) {
    let names: string[];
    try {
      names = readHeader(join(dir, f)).tensors.map((t) => t.name);
    } catch (e) {
      throw bad(`${join(dir, f)}: ${(e as Error).message}`);
    }
    for (const name of names)
      for (const c of counts) {
        const m = c.pattern.exec(name);
        if (m) c.found.add(Number(m[1]));
      }
  }
  const weights = files.length === 1 ? files[0]! : `${files.length} safetensors files`;
  for (const c of counts) {
    const complete = c.found.size === c.declared && [...c.found].every((i) => i < c.declared);
    if (!complete)
      throw bad(
        `${cfgFile}: ${c.field} is ${c.declared}, but ${weights} hold${files.length === 1 ? 's' : ''} ${c.what} ${describe(c.found)}; the config and the weights are not the same model`,
      );
  }
  // DeepStack taps vision blocks by index: one past the last block cannot be fed.
  const deep = (cfg as { vision_config?: { deepstack_visual_indexes?: unknown } }).vision_config?.deepstack_visual_indexes;
  if (depth !== null && Array.isArray(deep)) {
    const out = deep.filter((i) => typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= depth);
    if (out.length) throw bad(`${cfgFile}: vision_config.deepstack_visual_indexes ${JSON.stringify(deep)} names block(s) ${out.join(', ')} outside the ${depth} vision blocks`);
  }
}
