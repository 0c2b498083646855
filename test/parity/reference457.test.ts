// The studio against the static fixture made with transformers 4.57.1 + PEFT (the version our
// users pin; test/fixtures/reference/README.md says how it was made and which tolerances fit).
// It keeps 4.57 behaviour covered while the live tests follow the installed 5.x.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../main/core/model/chat';
import { encodeConversation, type EngineBatch } from '../../main/core/model/encode';
import { loadTextSide } from '../../main/core/model/templateAndTokenizer';
import { engineState } from '../../main/core/native/engine';
import { mergeModel } from '../../main/core/steps/merge/mergeModel';
import { maxRelErr } from '../helpers/compare';
import { readFloatTensors } from '../helpers/liveBatch';
import { tempDir } from '../helpers/tmp';

const REF = join(__dirname, '..', 'fixtures', 'reference');
const CKPT = join(REF, 'checkpoint');
const inputs = readFloatTensors(join(REF, 'inputs', 'inputs.safetensors'));
const outputs = readFloatTensors(join(REF, 'outputs', 'reference.safetensors'));
const scalars = JSON.parse(readFileSync(join(REF, 'outputs', 'reference.json'), 'utf8'));
const conversation = JSON.parse(readFileSync(join(REF, 'inputs', 'conversation.json'), 'utf8')) as { messages: ChatMessage[]; images: string[] };

const state = engineState();
const engine = () => {
  if (!state.loaded) throw new Error(state.error);
  return state.engine;
};

const ints = (name: string) => Int32Array.from(inputs.get(name)!.data);
const rows = (name: string, from: number, to: number) => Float32Array.from(inputs.get(name)!.data.subarray(from * 1536, to * 1536));

/** An engine batch straight from the fixture's tensors (prefix '' for the full sample, 'short.' or 'batch2.'). */
function fixtureBatch(prefix: '' | 'short.' | 'batch2.'): EngineBatch {
  const ids = inputs.get(`${prefix}input_ids`)!;
  const [B, S] = ids.shape as [number, number];
  const patches = prefix === 'short.' ? [0, 256] : [0, 564];
  let pixels = rows('pixel_values', patches[0]!, patches[1]!);
  if (prefix === 'batch2.') {
    const both = new Float32Array((564 + 256) * 1536);
    both.set(pixels);
    both.set(rows('pixel_values', 0, 256), 564 * 1536);
    pixels = both;
  }
  return {
    batch: B,
    seq: S,
    inputIds: ints(`${prefix}input_ids`),
    attentionMask: ints(`${prefix}attention_mask`),
    labels: ints(`${prefix}labels`),
    positionIds: ints(`${prefix}position_ids`),
    pixelValues: pixels,
    imageGrids: ints(`${prefix === 'short.' ? 'short.' : prefix}image_grid_thw`),
  };
}

const PEFT_KEYS = [...outputs.keys()].filter((k) => k.startsWith('grad.')).map((k) => k.slice('grad.'.length));
const lora = { r: 8, alpha: 16 };
const initAdapter = join(REF, 'lora', 'adapter_init', 'adapter_model.safetensors');

describe('fixture (transformers 4.57.1): encoder', () => {
  it('template, tokenizer, image tokens and rope index give the fixture’s input_ids and position_ids; pixel values match', () => {
    const frames = conversation.images.map((f) => readFileSync(join(REF, 'inputs', f)));
    const enc = encodeConversation(conversation.messages, frames, loadTextSide(CKPT));
    expect(enc.inputIds).toEqual([...ints('input_ids')]);
    const pos = ints('position_ids');
    const S = enc.inputIds.length;
    for (let a = 0; a < 3; a++) expect([...enc.positions[a]!]).toEqual([...pos.subarray(a * S, (a + 1) * S)]);
    expect(enc.grids).toEqual([
      [1, 16, 16],
      [1, 14, 22],
    ]);
    // Labels: 4.57's reference trains each reply and its <|im_end|>; the studio also trains the "\n" after it,
    // as TRL's Qwen3-VL training template marks (checked live in tokenizer.test.ts). Nothing else differs.
    const ref = ints('labels');
    const imEnd = 335;
    for (let i = 0; i < S; i++) {
      if (ref[i] !== -100) expect(enc.labels[i]).toBe(ref[i]);
      else if (enc.labels[i] !== -100) {
        expect(enc.inputIds[i - 1]).toBe(imEnd);
        expect(loadTextSide(CKPT).tokenizer!.decode([enc.inputIds[i]!])).toBe('\n');
      }
    }
    // Pixel values as the slow Qwen2-VL processor computes them: frame0 needs no resize, frame1 is resized 300×180 → 352×224.
    expect(maxRelErr(enc.pixels[0]!, rows('pixel_values', 0, 256))).toBeLessThan(1e-6);
    expect(maxRelErr(enc.pixels[1]!, rows('pixel_values', 256, 564))).toBeLessThan(1e-6);
  });
});

describe('fixture (transformers 4.57.1): engine', () => {
  it('fp32 logits and loss of the full sample, the short one and the padded batch', async () => {
    const model = await engine().load(CKPT, { dtype: 'float32' });
    const full = await engine().forward(model.handle, fixtureBatch(''));
    expect(maxRelErr(full.logits!, outputs.get('logits')!.data)).toBeLessThan(1e-4);
    expect(Math.abs(full.loss! - scalars.loss)).toBeLessThan(1e-5);
    const short = await engine().forward(model.handle, fixtureBatch('short.'));
    expect(Math.abs(short.loss! - scalars.short.loss)).toBeLessThan(1e-5);
    const padded = await engine().forward(model.handle, fixtureBatch('batch2.'));
    expect(maxRelErr(padded.logits!, outputs.get('batch2.logits')!.data)).toBeLessThan(1e-4);
    expect(Math.abs(padded.loss! - scalars.batch2.loss)).toBeLessThan(1e-5);
  }, 120_000);

  const trainer = async (lossAverage: 'tokens' | 'micro-batch') => {
    const model = await engine().load(CKPT, { dtype: 'float32' });
    return engine().createTrainer(model.handle, { lora, optim: { lr: 1e-3, warmupSteps: 1, totalSteps: 3, maxGradNorm: 1, lossAverage }, initAdapter });
  };

  it('from the fixture’s PEFT adapter: LoRA logits, loss and every gradient', async () => {
    const t = await trainer('tokens');
    const fwd = await engine().trainerForward(t, fixtureBatch(''));
    expect(maxRelErr(fwd.logits!, outputs.get('logits_lora_init')!.data)).toBeLessThan(1e-4);
    const g = await engine().gradients(t, [fixtureBatch('')]);
    expect(Math.abs(g.loss - scalars.loss_lora_init)).toBeLessThan(1e-5);
    expect(Object.keys(g.grads).sort()).toEqual([...PEFT_KEYS].sort());
    for (const k of PEFT_KEYS) expect(maxRelErr(g.grads[k]!, outputs.get(`grad.${k}`)!.data), k).toBeLessThan(1e-4);
  }, 120_000);

  it('accumulating the full and the short sample: per token (grad_ga2_tokens) and per micro-batch as 4.57’s Trainer (grad_ga2_trainer)', async () => {
    for (const [mode, ref] of [
      ['tokens', 'grad_ga2_tokens'],
      ['micro-batch', 'grad_ga2_trainer'],
    ] as const) {
      const g = await engine().gradients(await trainer(mode), [fixtureBatch(''), fixtureBatch('short.')]);
      for (const k of PEFT_KEYS) expect(maxRelErr(g.grads[k]!, outputs.get(`${ref}.${k}`)!.data), `${mode} ${k}`).toBeLessThan(1e-4);
    }
  }, 120_000);

  it('three AdamW steps: losses, gradient norms, learning rates and the adapter after step 3', async () => {
    const t = await trainer('tokens');
    for (const ref of scalars.steps as { loss: number; grad_norm: number; lr: number }[]) {
      const r = await engine().trainStep(t, [fixtureBatch('')]);
      expect(Math.abs(r.loss - ref.loss)).toBeLessThan(1e-5);
      expect(Math.abs(r.gradNorm - ref.grad_norm) / ref.grad_norm).toBeLessThan(1e-6);
      expect(r.lr).toBeCloseTo(ref.lr, 12);
    }
    const dir = tempDir();
    await engine().saveAdapter(t, join(dir, 'a.safetensors'));
    const ours = readFloatTensors(join(dir, 'a.safetensors'));
    // Adam divides by √v: entries whose gradient is near zero amplify float noise between BLAS builds (the
    // fixture ran on torch 1.13; here torch 2.13's kernels give up to 1.8e-4 of the largest weight, while the
    // live test against torch 2.13's own AdamW stays under 1e-4). Losses and norms above agree to 1e-6.
    for (const k of PEFT_KEYS) expect(maxRelErr(ours.get(k)!.data, outputs.get(`adapter_step3.${k}`)!.data), k).toBeLessThan(5e-4);
  }, 120_000);
});

describe('fixture (transformers 4.57.1): merge', () => {
  it('adapter_step3 merged keeping fp32 equals PEFT’s merged weights; every other tensor is the base byte for byte', async () => {
    const out = join(tempDir(), 'merged');
    await mergeModel({ baseDir: CKPT, adapterDir: join(REF, 'lora', 'adapter_step3'), outDir: out, outDtype: 'keep' });
    const index = JSON.parse(readFileSync(join(out, 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
    const baseIndex = JSON.parse(readFileSync(join(CKPT, 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
    let merged = 0;
    for (const [name, shard] of Object.entries(index.weight_map)) {
      const ours = readFloatTensors(join(out, shard)).get(name)!.data;
      const ref = outputs.get(`merged.${name}`);
      if (ref) {
        expect(maxRelErr(ours, ref.data), name).toBeLessThan(1e-6);
        merged++;
      } else expect(ours).toEqual(readFloatTensors(join(CKPT, baseIndex.weight_map[name]!)).get(name)!.data);
    }
    expect(merged).toBe(14);
  }, 120_000);
});
