// Tiny checkpoints in the real Hugging Face layout (config.json, sharded
// safetensors + index, tokenizer/processor files) and PEFT LoRA adapters for
// them, with seeded values — so tests run the same loading code users do.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LORA_TARGETS } from '../../preload/contract/train';
import { writeSafetensors, type DType } from '../../main/core/native/safetensors';
import { mulberry32 } from '../../main/core/util/random';
import { QWEN_VL_STYLE_TEMPLATE, specialId, tinyTokenizerJson } from './tokenizer';

export interface TinyDims {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  visionDepth: number;
  visionHidden: number;
  visionIntermediate: number;
  visionHeads: number;
  deepstack: number[];
  numPositionEmbeddings: number;
}

export const TINY: TinyDims = {
  hidden: 64,
  intermediate: 128,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  vocab: 320,
  visionDepth: 2,
  visionHidden: 32,
  visionIntermediate: 64,
  visionHeads: 2,
  deepstack: [0],
  numPositionEmbeddings: 16,
};

/** Seeded values, identical everywhere. */
export const rng = mulberry32;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float → bf16 bits, round to nearest even (as torch). */
export function toBf16(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  if ((b & 0x7fffffff) > 0x7f800000) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}
export function fromBf16(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

export function randomTensor(shape: number[], dtype: DType, rand: () => number, scale = 0.05): Buffer {
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'F32') {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * scale;
    return Buffer.from(a.buffer);
  }
  if (dtype === 'BF16') {
    const a = new Uint16Array(n);
    for (let i = 0; i < n; i++) a[i] = toBf16((rand() * 2 - 1) * scale);
    return Buffer.from(a.buffer);
  }
  throw new Error(`randomTensor: ${dtype} not supported`);
}

/** Decodes F32/BF16 tensor bytes into numbers. */
export function toNumbers(data: Buffer, dtype: DType): number[] {
  if (dtype === 'F32') return [...new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length))];
  if (dtype === 'BF16') return [...new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length))].map(fromBf16);
  throw new Error(`toNumbers: ${dtype} not supported`);
}

export interface TensorSpec {
  name: string;
  shape: number[];
}

/** Every tensor of a Qwen3-VL checkpoint, with the names transformers saves. */
export function qwen3vlTensors(d: TinyDims, tie: boolean): TensorSpec[] {
  const t: TensorSpec[] = [];
  const L = 'model.language_model';
  t.push({ name: `${L}.embed_tokens.weight`, shape: [d.vocab, d.hidden] });
  for (let i = 0; i < d.layers; i++) {
    const p = `${L}.layers.${i}`;
    t.push({ name: `${p}.input_layernorm.weight`, shape: [d.hidden] });
    t.push({ name: `${p}.self_attn.q_proj.weight`, shape: [d.heads * d.headDim, d.hidden] });
    t.push({ name: `${p}.self_attn.k_proj.weight`, shape: [d.kvHeads * d.headDim, d.hidden] });
    t.push({ name: `${p}.self_attn.v_proj.weight`, shape: [d.kvHeads * d.headDim, d.hidden] });
    t.push({ name: `${p}.self_attn.o_proj.weight`, shape: [d.hidden, d.heads * d.headDim] });
    t.push({ name: `${p}.self_attn.q_norm.weight`, shape: [d.headDim] });
    t.push({ name: `${p}.self_attn.k_norm.weight`, shape: [d.headDim] });
    t.push({ name: `${p}.post_attention_layernorm.weight`, shape: [d.hidden] });
    t.push({ name: `${p}.mlp.gate_proj.weight`, shape: [d.intermediate, d.hidden] });
    t.push({ name: `${p}.mlp.up_proj.weight`, shape: [d.intermediate, d.hidden] });
    t.push({ name: `${p}.mlp.down_proj.weight`, shape: [d.hidden, d.intermediate] });
  }
  t.push({ name: `${L}.norm.weight`, shape: [d.hidden] });
  const V = 'model.visual';
  const vh = d.visionHidden;
  t.push({ name: `${V}.patch_embed.proj.weight`, shape: [vh, 3, 2, 16, 16] });
  t.push({ name: `${V}.patch_embed.proj.bias`, shape: [vh] });
  t.push({ name: `${V}.pos_embed.weight`, shape: [d.numPositionEmbeddings, vh] });
  for (let i = 0; i < d.visionDepth; i++) {
    const p = `${V}.blocks.${i}`;
    for (const n of ['norm1', 'norm2']) t.push({ name: `${p}.${n}.weight`, shape: [vh] }, { name: `${p}.${n}.bias`, shape: [vh] });
    t.push({ name: `${p}.attn.qkv.weight`, shape: [3 * vh, vh] }, { name: `${p}.attn.qkv.bias`, shape: [3 * vh] });
    t.push({ name: `${p}.attn.proj.weight`, shape: [vh, vh] }, { name: `${p}.attn.proj.bias`, shape: [vh] });
    t.push({ name: `${p}.mlp.linear_fc1.weight`, shape: [d.visionIntermediate, vh] }, { name: `${p}.mlp.linear_fc1.bias`, shape: [d.visionIntermediate] });
    t.push({ name: `${p}.mlp.linear_fc2.weight`, shape: [vh, d.visionIntermediate] }, { name: `${p}.mlp.linear_fc2.bias`, shape: [vh] });
  }
  const merger = (p: string, normDim: number): void => {
    t.push({ name: `${p}.norm.weight`, shape: [normDim] }, { name: `${p}.norm.bias`, shape: [normDim] });
    t.push({ name: `${p}.linear_fc1.weight`, shape: [vh * 4, vh * 4] }, { name: `${p}.linear_fc1.bias`, shape: [vh * 4] });
    t.push({ name: `${p}.linear_fc2.weight`, shape: [d.hidden, vh * 4] }, { name: `${p}.linear_fc2.bias`, shape: [d.hidden] });
  };
  merger(`${V}.merger`, vh);
  d.deepstack.forEach((_, j) => merger(`${V}.deepstack_merger_list.${j}`, vh * 4));
  if (!tie) t.push({ name: 'lm_head.weight', shape: [d.vocab, d.hidden] });
  return t;
}

export function qwen3vlConfig(d: TinyDims, tie: boolean, dtype = 'bfloat16'): Record<string, unknown> {
  return {
    architectures: ['Qwen3VLForConditionalGeneration'],
    model_type: 'qwen3_vl',
    // The tiny tokenizer's own ids (a real checkpoint's are 151652…151656).
    image_token_id: specialId('<|image_pad|>'),
    video_token_id: specialId('<|video_pad|>'),
    vision_start_token_id: specialId('<|vision_start|>'),
    vision_end_token_id: specialId('<|vision_end|>'),
    tie_word_embeddings: tie,
    dtype,
    text_config: {
      model_type: 'qwen3_vl_text',
      hidden_size: d.hidden,
      intermediate_size: d.intermediate,
      num_hidden_layers: d.layers,
      num_attention_heads: d.heads,
      num_key_value_heads: d.kvHeads,
      head_dim: d.headDim,
      vocab_size: d.vocab,
      rms_norm_eps: 1e-6,
      rope_theta: 5000000,
      max_position_embeddings: 4096,
      hidden_act: 'silu',
      attention_bias: false,
      tie_word_embeddings: tie,
      dtype,
      rope_scaling: { rope_type: 'default', mrope_section: [d.headDim / 4 - 1, d.headDim / 8 + 1, d.headDim / 8].map(Math.round), mrope_interleaved: true },
    },
    vision_config: {
      model_type: 'qwen3_vl',
      depth: d.visionDepth,
      hidden_size: d.visionHidden,
      intermediate_size: d.visionIntermediate,
      num_heads: d.visionHeads,
      in_channels: 3,
      patch_size: 16,
      spatial_merge_size: 2,
      temporal_patch_size: 2,
      out_hidden_size: d.hidden,
      num_position_embeddings: d.numPositionEmbeddings,
      deepstack_visual_indexes: d.deepstack,
      hidden_act: 'gelu_pytorch_tanh',
    },
  };
}

export interface CheckpointOptions {
  dims?: TinyDims;
  dtype?: DType;
  tie?: boolean;
  shards?: number; // > 1 writes an index
  seed?: number;
  /** 'small': every value in ±0.05 (merge tests); 'realistic': norms near 1, weights ±√(3/fan_in), so activations keep their scale. */
  init?: 'small' | 'realistic';
}

function realisticTensor(name: string, shape: number[], dtype: DType, rand: () => number): Buffer {
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const isNorm = /norm\d?\.weight$/.test(name);
  const scale = isNorm ? 0.1 : name.endsWith('.bias') ? 0.02 : /embed_tokens|pos_embed/.test(name) ? 0.5 : Math.sqrt(3 / fanIn);
  const data = randomTensor(shape, 'F32', rand, scale);
  const f = new Float32Array(data.buffer, data.byteOffset, data.length / 4);
  if (isNorm) for (let i = 0; i < f.length; i++) f[i] = f[i]! + 1;
  if (dtype === 'F32') return data;
  const out = new Uint16Array(f.length);
  for (let i = 0; i < f.length; i++) out[i] = toBf16(f[i]!);
  return Buffer.from(out.buffer);
}

/** Writes a Qwen3-VL checkpoint folder; returns the tensor list. */
export function makeQwen3VLCheckpoint(dir: string, o: CheckpointOptions = {}): TensorSpec[] {
  const d = o.dims ?? TINY;
  const dtype = o.dtype ?? 'BF16';
  const tie = o.tie ?? true;
  const shards = o.shards ?? 2;
  const rand = rng(o.seed ?? 1);
  mkdirSync(dir, { recursive: true });
  const specs = qwen3vlTensors(d, tie);
  const per = Math.ceil(specs.length / shards);
  const weightMap: Record<string, string> = {};
  let total = 0;
  for (let s = 0; s < shards; s++) {
    const part = specs.slice(s * per, (s + 1) * per);
    const file = shards === 1 ? 'model.safetensors' : `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const tensors = part.map((t) => ({ ...t, dtype, data: o.init === 'realistic' ? realisticTensor(t.name, t.shape, dtype, rand) : randomTensor(t.shape, dtype, rand) }));
    writeSafetensors(join(dir, file), tensors, { format: 'pt' });
    for (const t of tensors) {
      weightMap[t.name] = file;
      total += t.data.length;
    }
  }
  if (shards > 1) writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(qwen3vlConfig(d, tie, dtype === 'F32' ? 'float32' : 'bfloat16'), null, 2));
  writeFileSync(
    join(dir, 'generation_config.json'),
    JSON.stringify({
      bos_token_id: specialId('<|endoftext|>'),
      eos_token_id: [specialId('<|im_end|>'), specialId('<|endoftext|>')],
      pad_token_id: specialId('<|endoftext|>'),
      temperature: 0.7,
      top_p: 0.8,
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'Qwen2Tokenizer', model_max_length: 262144, eos_token: '<|im_end|>', pad_token: '<|endoftext|>' }),
  );
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
  // Qwen3-VL-4B-Instruct's own preprocessor_config.json: every field written, so transformers' Qwen2-VL defaults never apply.
  writeFileSync(
    join(dir, 'preprocessor_config.json'),
    JSON.stringify({
      size: { longest_edge: 16777216, shortest_edge: 65536 },
      patch_size: 16,
      temporal_patch_size: 2,
      merge_size: 2,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      processor_class: 'Qwen3VLProcessor',
      image_processor_type: 'Qwen2VLImageProcessorFast',
    }),
  );
  writeFileSync(join(dir, 'chat_template.json'), JSON.stringify({ chat_template: QWEN_VL_STYLE_TEMPLATE }));
  return specs;
}

export const SEVEN: string[] = [...LORA_TARGETS];

export interface AdapterOptions {
  r?: number;
  alpha?: number;
  rslora?: boolean;
  dora?: boolean;
  dtype?: DType;
  targets?: string[];
  seed?: number;
  keyPrefix?: string; // to emulate other layouts (e.g. 'base_model.model.model.layers.')
  extra?: { name: string; shape: number[] }[];
}

/** A PEFT LoRA adapter for the language model's projections of a checkpoint. */
export function makeLoraAdapter(dir: string, base: TensorSpec[], o: AdapterOptions = {}): { name: string; shape: number[] }[] {
  const r = o.r ?? 8;
  const targets = o.targets ?? SEVEN;
  const dtype = o.dtype ?? 'F32';
  const rand = rng(o.seed ?? 7);
  mkdirSync(dir, { recursive: true });
  const out: { name: string; shape: number[]; dtype: DType; data: Buffer }[] = [];
  for (const t of base) {
    const m = /^(model\.language_model\.layers\.\d+\.(?:self_attn|mlp)\.(\w+))\.weight$/.exec(t.name);
    if (!m || !targets.includes(m[2]!)) continue;
    let module = m[1]!;
    if (o.keyPrefix) module = module.replace(/^model\.language_model\.layers\./, o.keyPrefix);
    const [outF, inF] = t.shape as [number, number];
    out.push({ name: `base_model.model.${module}.lora_A.weight`, shape: [r, inF], dtype, data: randomTensor([r, inF], dtype, rand, 0.2) });
    out.push({ name: `base_model.model.${module}.lora_B.weight`, shape: [outF, r], dtype, data: randomTensor([outF, r], dtype, rand, 0.2) });
    if (o.dora) {
      const mag = new Float32Array(outF);
      for (let i = 0; i < outF; i++) mag[i] = 0.5 + rand();
      out.push({ name: `base_model.model.${module}.lora_magnitude_vector`, shape: [outF], dtype: 'F32', data: Buffer.from(mag.buffer) });
    }
  }
  for (const e of o.extra ?? []) out.push({ ...e, dtype, data: randomTensor(e.shape, dtype, rand) });
  writeSafetensors(join(dir, 'adapter_model.safetensors'), out, { format: 'pt' });
  writeFileSync(
    join(dir, 'adapter_config.json'),
    JSON.stringify(
      {
        peft_type: 'LORA',
        base_model_name_or_path: 'tiny/qwen3-vl',
        r,
        lora_alpha: o.alpha ?? 16,
        lora_dropout: 0,
        use_rslora: o.rslora ?? false,
        use_dora: o.dora ?? false,
        fan_in_fan_out: false,
        target_modules: targets,
        bias: 'none',
        task_type: 'CAUSAL_LM',
        rank_pattern: {},
        alpha_pattern: {},
        modules_to_save: null,
        layers_to_transform: null,
      },
      null,
      2,
    ),
  );
  return out.map(({ name, shape }) => ({ name, shape }));
}
