// An ONNX export of a Qwen-VL model in the layout the ONNX community publishes
// for transformers.js: config, tokenizer and processor files at the top, the
// graphs under onnx/ — vision_encoder, embed_tokens, decoder_model_merged —
// each in precision variants told apart by a file-name suffix. This reads what
// a folder holds and says exactly what is missing when it is another layout.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../util/errors';

export const GRAPHS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type GraphName = (typeof GRAPHS)[number];

// transformers.js' dtype names and the suffix each adds to a graph's file name.
export const VARIANT_SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' } as const;
export type Variant = keyof typeof VARIANT_SUFFIX;
export const VARIANTS = Object.keys(VARIANT_SUFFIX) as Variant[];
// What 'auto' prefers when the folder's config names none: exact first, then smaller.
const AUTO_ORDER: Variant[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

export interface OnnxExport {
  dir: string;
  config: Record<string, unknown>;
  /** graph → variants present on disk. */
  present: Record<GraphName, Variant[]>;
  /** The file chosen for each graph. */
  files: Record<GraphName, string>;
  variants: Record<GraphName, Variant>;
  imageTokenId: number;
  visionStartId: number | null;
  mergeSize: number;
  numLayers: number;
  /** Token ids that end a reply (generation_config's eos ids plus <|im_end|> when the tokenizer has it). */
  eosIds: number[];
  padId: number | null;
  /** Total bytes of the chosen graphs and their external data. */
  bytes: number;
}

function readJson(file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected a JSON object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new StudioError('onnx_layout', `${file}: ${(err as Error).message}`);
  }
}

function num(cfg: Record<string, unknown>, key: string, file: string, fallback?: number): number {
  const v = cfg[key];
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (fallback !== undefined && v === undefined) return fallback;
  throw new StudioError('onnx_layout', `${file}: field ${key} ${v === undefined ? 'is missing' : 'must be an integer'}`);
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function ids(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

/** Which variants of each graph exist under onnx/. */
function scan(onnxDir: string): Record<GraphName, Variant[]> {
  const names = new Set(readdirSync(onnxDir));
  const present = {} as Record<GraphName, Variant[]>;
  for (const g of GRAPHS) present[g] = VARIANTS.filter((v) => names.has(`${g}${VARIANT_SUFFIX[v]}.onnx`));
  return present;
}

/** The folder's own choice: transformers.js_config.dtype, one name or one per graph. */
function configuredVariant(config: Record<string, unknown>, g: GraphName): Variant | null {
  const d = obj(config['transformers.js_config']).dtype;
  const v = typeof d === 'string' ? d : obj(d)[g];
  return typeof v === 'string' && v in VARIANT_SUFFIX ? (v as Variant) : null;
}

function pickVariant(present: Variant[], want: Variant | 'auto', config: Record<string, unknown>, g: GraphName, dir: string): Variant {
  const file = (v: Variant) => join(dir, 'onnx', `${g}${VARIANT_SUFFIX[v]}.onnx`);
  if (present.length === 0)
    throw new StudioError('onnx_layout', `${file('fp32')}: missing (no variant of ${g} in ${join(dir, 'onnx')}); this does not look like a transformers.js Qwen-VL export`);
  if (want !== 'auto') {
    if (!present.includes(want)) throw new StudioError('onnx_layout', `${file(want)}: missing; ${g} is there as ${present.join(', ')}`);
    return want;
  }
  const configured = configuredVariant(config, g);
  if (configured && present.includes(configured)) return configured;
  return AUTO_ORDER.find((v) => present.includes(v))!;
}

function graphBytes(file: string): number {
  let n = statSync(file).size;
  for (const extra of [`${file}_data`, `${file}.data`]) if (existsSync(extra)) n += statSync(extra).size;
  return n;
}

export function inspectOnnxExport(dir: string, want: Variant | 'auto' = 'auto'): OnnxExport {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StudioError('onnx_layout', `${dir}: not a folder`);
  const cfgFile = join(dir, 'config.json');
  if (!existsSync(cfgFile)) throw new StudioError('onnx_layout', `${cfgFile}: missing; an ONNX model folder has config.json beside onnx/`);
  const config = readJson(cfgFile);
  for (const f of ['tokenizer.json', 'preprocessor_config.json']) {
    if (!existsSync(join(dir, f)))
      throw new StudioError('onnx_layout', `${join(dir, f)}: missing; the policy needs the model's ${f === 'tokenizer.json' ? 'tokenizer' : 'image processor settings'}`);
  }
  const onnxDir = join(dir, 'onnx');
  if (!existsSync(onnxDir)) throw new StudioError('onnx_layout', `${onnxDir}: missing; the graphs of a transformers.js export live in onnx/`);
  const present = scan(onnxDir);
  const variants = {} as Record<GraphName, Variant>;
  const files = {} as Record<GraphName, string>;
  for (const g of GRAPHS) {
    variants[g] = pickVariant(present[g], want, config, g, dir);
    files[g] = join(onnxDir, `${g}${VARIANT_SUFFIX[variants[g]]}.onnx`);
  }
  const text = { ...config, ...obj(config.text_config) };
  const vision = obj(config.vision_config);
  const gen = existsSync(join(dir, 'generation_config.json')) ? readJson(join(dir, 'generation_config.json')) : {};
  const eos = [...new Set([...ids(gen.eos_token_id), ...ids(config.eos_token_id), ...ids(obj(config.text_config).eos_token_id)])];
  const pad = ids(gen.pad_token_id)[0] ?? ids(config.pad_token_id)[0] ?? null;
  return {
    dir,
    config,
    present,
    files,
    variants,
    imageTokenId: num(config, 'image_token_id', cfgFile),
    visionStartId: typeof config.vision_start_token_id === 'number' ? config.vision_start_token_id : null,
    mergeSize: num(vision, 'spatial_merge_size', `${cfgFile} (vision_config)`, 2),
    numLayers: num(text, 'num_hidden_layers', `${cfgFile} (text_config)`),
    eosIds: eos,
    padId: pad,
    bytes: GRAPHS.reduce((n, g) => n + graphBytes(files[g]), 0),
  };
}
