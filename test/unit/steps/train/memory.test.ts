import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LORA_TARGETS } from '../../../../preload/contract/train';
import { estimateTrainMemory } from '../../../../main/core/steps/train/memory';
import { tempDir } from '../../../helpers/tmp';

// Qwen3-VL-4B-Instruct's shapes (config.json only: the estimate reads nothing else).
function fourB(): string {
  const dir = join(tempDir(), '4b');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'qwen3_vl',
      tie_word_embeddings: true,
      text_config: { hidden_size: 2560, intermediate_size: 9728, num_hidden_layers: 36, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 128, vocab_size: 151936 },
      vision_config: { depth: 24, hidden_size: 1024, intermediate_size: 4096, num_heads: 16, out_hidden_size: 2560 },
    }),
  );
  return dir;
}

const all = [...LORA_TARGETS];

describe('training memory estimate', () => {
  it('counts LoRA as the notebook’s adapter (1.835 M parameters a layer at r=32) with fp32 grads and moments, and NF4 at about a quarter of bf16', () => {
    const dir = fourB();
    const base = { modelDir: dir, r: 32, targets: all, batchSize: 2, seqLen: 1500, patches: 1024 };
    const bf16 = estimateTrainMemory({ ...base, dtype: 'bfloat16', quant: 'none' });
    const q = estimateTrainMemory({ ...base, dtype: 'bfloat16', quant: 'nf4-dq' });
    expect(bf16.loraBytes).toBe(36 * 1_835_008 * 16); // the 264 MB fp32 adapter, ×4 with gradients and AdamW moments
    expect(bf16.weightsBytes / 1e9).toBeGreaterThan(8);
    expect(bf16.weightsBytes / 1e9).toBeLessThan(9.5);
    const projBf16 = 36 * (4096 * 2560 * 2 + 1024 * 2560 * 2 + 9728 * 2560 * 3) * 2;
    expect(bf16.weightsBytes - q.weightsBytes).toBeGreaterThan(projBf16 * 0.7);
    expect(q.activationBytes).toBe(bf16.activationBytes);
    expect(estimateTrainMemory({ ...base, batchSize: 4, dtype: 'bfloat16', quant: 'none' }).activationBytes).toBeGreaterThan(bf16.activationBytes * 1.9);
  });
});

describe('training memory estimate with 8-bit AdamW', () => {
  it('keeps the moments in 2 bytes a parameter instead of 8', () => {
    const dir = fourB();
    const base = { modelDir: dir, r: 32, targets: all, batchSize: 2, seqLen: 1500, patches: 1024, dtype: 'bfloat16' as const, quant: 'nf4-dq' as const };
    expect(estimateTrainMemory({ ...base, states8bit: true }).loraBytes).toBe(36 * 1_835_008 * 10);
  });
});

describe('training memory estimate with gradient checkpointing', () => {
  it('keeps each layer’s input plus one layer’s activations instead of all 36 layers’', () => {
    const dir = fourB();
    const base = { modelDir: dir, r: 32, targets: all, batchSize: 2, seqLen: 1500, patches: 1024, dtype: 'bfloat16' as const, quant: 'nf4-dq' as const };
    const full = estimateTrainMemory(base);
    const ckpt = estimateTrainMemory({ ...base, gradientCheckpointing: true });
    const tokens = 2 * 1500;
    const logits = tokens * 151936 * 6 * 2;
    const vision = 2 * 1024 * 24 * (8 * 1024 + 2 * 4096) * 2;
    const perLayer = (full.activationBytes - logits - vision) / 36;
    expect(ckpt.activationBytes).toBe(36 * tokens * 2560 * 2 + perLayer + logits + vision);
    expect(ckpt.activationBytes).toBeLessThan(full.activationBytes / 4);
  });
});
