// The native engine (libtorch) against the float64 reference written from the
// model's definition, on a tiny Qwen3-VL checkpoint in the real layout: a
// two-turn conversation with two images, through the same processor,
// template, tokenizer and rope index a user's model goes through.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../main/core/model/chat';
import { collate, encodeConversation, IGNORE } from '../../../../main/core/model/encode';
import { loadTextSide } from '../../../../main/core/model/templateAndTokenizer';
import { engineState } from '../../../../main/core/native/engine';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { frame } from '../../../helpers/datasets';
import { loadWeights, referenceForward, type RefConfig } from '../../../helpers/qwen3vlReference';
import { specialId } from '../../../helpers/tokenizer';
import { tempDir } from '../../../helpers/tmp';
import { maxRelErr } from '../../../helpers/compare';

const state = engineState();
// `npm test` builds the engine against its own PyTorch (STUDIO_REQUIRE_NATIVE): a missing engine must fail, not skip.
const run = state.loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;

const conversation: ChatMessage[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Board:' },
      { type: 'image', text: null },
      { type: 'text', text: ' move?' },
    ],
  },
  { role: 'assistant', content: [{ type: 'text', text: '<action> up</action>' }] },
  {
    role: 'user',
    content: [
      { type: 'image', text: null },
      { type: 'text', text: 'hello world' },
    ],
  },
  { role: 'assistant', content: [{ type: 'text', text: '<action> left</action>' }] },
];

function tinyModel(): string {
  const dir = join(tempDir(), 'tiny-qwen3-vl');
  makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 2, tie: true, seed: 3, init: 'realistic' });
  return dir;
}

describe('native engine: Qwen3-VL forward', () => {
  run(
    'matches the float64 reference (logits and loss) for a two-turn, two-image conversation in fp32',
    async () => {
      if (!state.loaded) throw new Error(state.error);
      const dir = tinyModel();
      const text = loadTextSide(dir);
      const enc = encodeConversation(conversation, [frame(1, 0), frame(1, 1)], text);
      expect(enc.grids).toEqual([
        [1, 16, 16],
        [1, 16, 16],
      ]);
      expect(enc.inputIds.filter((t) => t === specialId('<|image_pad|>'))).toHaveLength(128);
      const model = await state.engine.load(dir, { dtype: 'float32' });
      const batch = collate([enc], specialId('<|endoftext|>'));
      const out = await state.engine.forward(model.handle, batch);
      expect(out.logitsShape).toEqual([1, enc.inputIds.length, 320]);

      const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      const ref = referenceForward(
        loadWeights(dir),
        { text: cfg.text_config, vision: cfg.vision_config, image_token_id: cfg.image_token_id } as RefConfig,
        enc.inputIds,
        enc.positions,
        enc.labels,
        batch.pixelValues!,
        enc.grids,
      );
      const err = maxRelErr(out.logits!, ref.logits.d);
      expect(err).toBeLessThan(1e-4);
      expect(Math.abs(out.loss! - ref.loss!) / ref.loss!).toBeLessThan(1e-4);
      // The images really reach the logits: other frames give clearly different ones.
      const other = encodeConversation(conversation, [frame(5, 3), frame(1, 1)], text);
      const moved = await state.engine.forward(model.handle, collate([other], specialId('<|endoftext|>')));
      expect(maxRelErr(moved.logits!, out.logits!)).toBeGreaterThan(1e-3);
      // bf16 weights and activations, with softmax, norms and rotary in fp32 as transformers computes them.
      const bf16 = await state.engine.load(dir, { dtype: 'bfloat16' });
      const low = await state.engine.forward(bf16.handle, batch);
      const meanAbs = low.logits!.reduce((a, x, i) => a + Math.abs(x - ref.logits.d[i]!), 0) / low.logits!.length;
      const meanRef = ref.logits.d.reduce((a, x) => a + Math.abs(x), 0) / ref.logits.d.length;
      // Measured on this model: max 9.6e-2 of the largest logit, mean 5.3e-2, loss 1.0e-2 (bf16 keeps 8 bits of mantissa).
      expect(meanAbs / meanRef).toBeLessThan(8e-2);
      expect(Math.abs(low.loss! - ref.loss!) / ref.loss!).toBeLessThan(2.5e-2);
    },
    120_000,
  );

  run(
    'pads a batch without changing any real position’s logits',
    async () => {
      if (!state.loaded) throw new Error(state.error);
      const dir = tinyModel();
      const text = loadTextSide(dir);
      const long = encodeConversation(conversation, [frame(2, 0), frame(2, 1)], text);
      const short = encodeConversation(conversation.slice(0, 2), [frame(3, 0)], text);
      const model = await state.engine.load(dir, { dtype: 'float32' });
      const pad = specialId('<|endoftext|>');
      const both = await state.engine.forward(model.handle, collate([long, short], pad));
      const alone = await state.engine.forward(model.handle, collate([short], pad));
      const S = long.inputIds.length;
      const V = 320;
      const row = both.logits!.subarray(S * V, S * V + short.inputIds.length * V);
      expect(maxRelErr(row, alone.logits!)).toBeLessThan(1e-5);
    },
    120_000,
  );

  run(
    'refuses other architectures and checkpoints that do not match their config, naming the field or tensor',
    async () => {
      if (!state.loaded) throw new Error(state.error);
      const dir = tinyModel();
      const cfgFile = join(dir, 'config.json');
      const cfg = JSON.parse(readFileSync(cfgFile, 'utf8'));
      writeFileSync(cfgFile, JSON.stringify({ ...cfg, model_type: 'llama' }));
      await expect(state.engine.load(dir)).rejects.toThrow(/model_type is "llama"; this engine runs Qwen3-VL/);
      writeFileSync(cfgFile, JSON.stringify({ ...cfg, text_config: { ...cfg.text_config, intermediate_size: 96 } }));
      await expect(state.engine.load(dir)).rejects.toThrow(/tensor model.language_model.layers.0.mlp.gate_proj.weight has shape \[128, 64\], config.json implies \[96, 64\]/);
      writeFileSync(cfgFile, JSON.stringify({ ...cfg, text_config: { ...cfg.text_config, rope_scaling: { mrope_section: [1, 2, 3] } } }));
      await expect(state.engine.load(dir)).rejects.toThrow(/mrope_section: must sum to head_dim \/ 2 \(8\)/);
      writeFileSync(cfgFile, JSON.stringify(cfg));
      const model = await state.engine.load(dir);
      const bad = collate(
        [{ inputIds: [1, 2, 999], labels: [IGNORE, IGNORE, IGNORE], pixels: [], grids: [], positions: [new Int32Array(3), new Int32Array(3), new Int32Array(3)] }],
        0,
      );
      await expect(state.engine.forward(model.handle, bad)).rejects.toThrow(/outside the vocabulary/);
    },
    120_000,
  );
});
