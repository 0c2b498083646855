// How much memory a run needs, before it starts: frozen weights (4-bit NF4
// projections count as such), LoRA weights with gradients and AdamW moments
// (fp32), and activations kept for the backward pass of one micro-batch: per
// layer the normed inputs, q/k/v, attention probabilities (fp32 softmax),
// attention output, MLP gate/up/product — with gradient checkpointing only
// each layer's input plus one layer's worth — and the fp32 logits of the
// loss. An estimate, stated as one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoraTarget } from '../../../../preload/contract/train';

export interface MemoryEstimate {
  weightsBytes: number;
  loraBytes: number;
  activationBytes: number;
  totalBytes: number;
  tokens: number;
}

export interface EstimateInput {
  modelDir: string;
  r: number;
  targets: string[];
  dtype: 'float32' | 'bfloat16';
  quant: 'none' | 'nf4' | 'nf4-dq';
  /** 8-bit AdamW moments (2 bytes a parameter instead of 8). */
  states8bit?: boolean;
  batchSize: number;
  /** Tokens per sample (e.g. the dataset's 95th percentile). */
  seqLen: number;
  /** Image patches per sample (before merging), for the vision tower. */
  patches: number;
  gradientCheckpointing?: boolean;
}

export function estimateTrainMemory(i: EstimateInput): MemoryEstimate {
  const cfg = JSON.parse(readFileSync(join(i.modelDir, 'config.json'), 'utf8')) as {
    text_config: Record<string, number>;
    vision_config: Record<string, number>;
    tie_word_embeddings?: boolean;
  };
  const t = cfg.text_config;
  const v = cfg.vision_config;
  const hd = t.head_dim ?? t.hidden_size! / t.num_attention_heads!;
  const H = t.hidden_size!;
  const I = t.intermediate_size!;
  const L = t.num_hidden_layers!;
  // Every LoRA target's [out, in] (typed by the contract's list, so a new target cannot be missed here).
  const shapes: Record<LoraTarget, [number, number]> = {
    q_proj: [t.num_attention_heads! * hd, H],
    k_proj: [t.num_key_value_heads! * hd, H],
    v_proj: [t.num_key_value_heads! * hd, H],
    o_proj: [H, t.num_attention_heads! * hd],
    gate_proj: [I, H],
    up_proj: [I, H],
    down_proj: [H, I],
  };
  const shapeOf: Record<string, [number, number] | undefined> = shapes;
  const proj = Object.values(shapes).reduce((a, [o, n]) => a + o * n, 0) * L;
  const vocab = t.vocab_size!;
  const vh = v.hidden_size!;
  const vision = v.depth! * (4 * vh * vh + 2 * vh * v.intermediate_size!) + 3 * (4 * vh) ** 2 + 4 * vh * H;
  const other = vocab * H * (cfg.tie_word_embeddings ? 1 : 2) + vision;
  const bytes = i.dtype === 'bfloat16' ? 2 : 4;
  const projBytes = i.quant === 'none' ? proj * bytes : proj / 2 + (i.quant === 'nf4' ? proj / 16 : proj / 64 + proj / 4096);
  const weightsBytes = projBytes + other * bytes;
  const loraParams = L * i.targets.reduce((a, name) => a + (shapeOf[name] ? i.r * (shapeOf[name]![0] + shapeOf[name]![1]) : 0), 0);
  const loraBytes = loraParams * (4 + 4 + (i.states8bit ? 2 : 8)); // fp32 weights and gradients, two AdamW moments
  const tokens = i.batchSize * i.seqLen;
  const perLayer = tokens * (6 * H + 4 * I + 2 * t.num_attention_heads! * hd) * bytes + i.batchSize * t.num_attention_heads! * i.seqLen * i.seqLen * (4 + bytes);
  const visionAct = i.batchSize * i.patches * v.depth! * (8 * vh + 2 * v.intermediate_size!) * bytes;
  const layers = i.gradientCheckpointing ? L * tokens * H * bytes + perLayer : L * perLayer;
  const activationBytes = layers + visionAct + tokens * vocab * (4 + bytes) * 2;
  return { weightsBytes, loraBytes, activationBytes, totalBytes: weightsBytes + loraBytes + activationBytes, tokens };
}
