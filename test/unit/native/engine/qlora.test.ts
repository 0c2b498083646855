// QLoRA: the decoder's projections stored as NF4 (optionally with double
// quantisation), dequantised on the fly. Checked against the float64
// reference run on weights rounded by an independent NF4 implementation, by
// the bytes the weights take, and by training through the 4-bit layers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../main/core/model/chat';
import { collate, encodeConversation } from '../../../../main/core/model/encode';
import { loadTextSide } from '../../../../main/core/model/templateAndTokenizer';
import { engineState } from '../../../../main/core/native/engine';
import { makeQwen3VLCheckpoint, TINY } from '../../../helpers/checkpoints';
import { frame } from '../../../helpers/datasets';
import { nf4RoundTrip } from '../../../helpers/nf4';
import { loadWeights, referenceForward, type RefConfig } from '../../../helpers/qwen3vlReference';
import { specialId } from '../../../helpers/tokenizer';
import { tempDir } from '../../../helpers/tmp';
import { maxRelErr } from '../../../helpers/compare';

const state = engineState();
const run = state.loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const PROJ = /^model\.language_model\.layers\.\d+\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)\.weight$/;
const msgs: ChatMessage[] = [
  {
    role: 'user',
    content: [
      { type: 'image', text: null },
      { type: 'text', text: 'hello world' },
    ],
  },
  { role: 'assistant', content: [{ type: 'text', text: '<action> down</action>' }] },
];

describe('QLoRA (NF4 base weights)', () => {
  run(
    'computes with exactly the NF4-rounded weights, with and without double quantisation, in far fewer bytes',
    async () => {
      if (!state.loaded) throw new Error(state.error);
      const dir = join(tempDir(), 'tiny');
      makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 1, init: 'realistic', seed: 21 });
      const text = loadTextSide(dir);
      const enc = encodeConversation(msgs, [frame(4, 1)], text);
      const batch = collate([enc], specialId('<|endoftext|>'));
      const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      const rc = { text: cfg.text_config, vision: cfg.vision_config, image_token_id: cfg.image_token_id } as RefConfig;
      const full = await state.engine.load(dir);
      const perLayer = [
        TINY.heads * TINY.headDim * TINY.hidden,
        TINY.kvHeads * TINY.headDim * TINY.hidden,
        TINY.kvHeads * TINY.headDim * TINY.hidden,
        TINY.heads * TINY.headDim * TINY.hidden,
        ...Array(3).fill(TINY.intermediate * TINY.hidden),
      ] as number[];
      const modules = Array.from({ length: TINY.layers }, () => perLayer).flat();
      const projParams = modules.reduce((a, b) => a + b, 0);
      for (const quant of ['nf4', 'nf4-dq'] as const) {
        const m = await state.engine.load(dir, { quant });
        // 4 bits a weight plus the block scales (fp32 per 64, or int8 per 64 + fp32 per 256 blocks).
        // Per module: fp32 per 64 weights, or int8 per 64 (padded to 256 blocks) + one fp32 per 256 blocks + the mean.
        const scaleBytes = modules.reduce((a, n) => a + (quant === 'nf4' ? (n / 64) * 4 : Math.ceil(n / 64 / 256) * (256 + 4) + 8), 0);
        expect(full.weightBytes - m.weightBytes).toBe(projParams * 4 - projParams / 2 - scaleBytes);
        const out = await state.engine.forward(m.handle, batch);
        const W = loadWeights(dir);
        for (const [name, t] of W) if (PROJ.test(name)) W.set(name, { shape: t.shape, d: nf4RoundTrip(t.d, quant === 'nf4-dq') });
        const ref = referenceForward(W, rc, enc.inputIds, enc.positions, enc.labels, batch.pixelValues!, enc.grids);
        expect(maxRelErr(out.logits!, ref.logits.d)).toBeLessThan(1e-4);
        const exact = await state.engine.forward(full.handle, batch);
        expect(maxRelErr(out.logits!, exact.logits!)).toBeGreaterThan(1e-4); // it really is quantised
      }
      await expect(state.engine.load(dir, { quant: 'int3' as 'nf4' })).rejects.toThrow(/quant must be none, nf4 or nf4-dq/);
    },
    120_000,
  );

  run(
    'trains LoRA through the 4-bit layers (gradients flow through dequantised weights)',
    async () => {
      if (!state.loaded) throw new Error(state.error);
      const dir = join(tempDir(), 'tiny');
      makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 1, init: 'realistic', seed: 22 });
      const m = await state.engine.load(dir, { quant: 'nf4-dq' });
      const b = collate([encodeConversation(msgs, [frame(4, 1)], loadTextSide(dir))], specialId('<|endoftext|>'));
      const t = state.engine.createTrainer(m.handle, { lora: { r: 8, alpha: 16, seed: 2 }, optim: { lr: 1e-2, totalSteps: 40, schedule: 'constant' } });
      const first = await state.engine.trainStep(t, [b]);
      let last = first;
      for (let i = 0; i < 39; i++) last = await state.engine.trainStep(t, [b]);
      expect(last.loss).toBeLessThan(first.loss * 0.1);
    },
    120_000,
  );
});
