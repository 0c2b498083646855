// LoRA training in the native engine: the adapter starts as a no-op, the loss
// of an accumulated batch is averaged over all its target tokens, the schedule
// is transformers', resume continues the same run, a tiny model overfits a
// tiny set, and the saved adapter merges (Merge step) into the same logits.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../main/core/model/chat';
import { collate, collatePacked, encodeConversation, encodePrompt, packRows, type Encoded } from '../../../../main/core/model/encode';
import { loadTextSide } from '../../../../main/core/model/templateAndTokenizer';
import { engineState, type EngineAddon } from '../../../../main/core/native/engine';
import { mergeModel } from '../../../../main/core/steps/merge/mergeModel';
import { writeAdapterConfig } from '../../../../main/core/steps/train/adapterFolder';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { frame } from '../../../helpers/datasets';
import { specialId } from '../../../helpers/tokenizer';
import { tempDir } from '../../../helpers/tmp';

const state = engineState();
const run = state.loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const engine = (): EngineAddon => {
  if (!state.loaded) throw new Error(state.error);
  return state.engine;
};

function sample(k: number, answer: string, dir: string): Encoded {
  const msgs: ChatMessage[] = [
    {
      role: 'user',
      content: [
        { type: 'image', text: null },
        { type: 'text', text: `hello ${k}` },
      ],
    },
    { role: 'assistant', content: [{ type: 'text', text: answer }] },
  ];
  return encodeConversation(msgs, [frame(k, 0)], loadTextSide(dir));
}

function model(): string {
  const dir = join(tempDir(), 'tiny');
  makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 1, init: 'realistic', seed: 11 });
  return dir;
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
const pad = () => specialId('<|endoftext|>');
const lora = { r: 8, alpha: 16, seed: 5 };

describe('native LoRA trainer', () => {
  run(
    'starts as a no-op and averages an accumulated batch over all its target tokens',
    async () => {
      const dir = model();
      const e = engine();
      const m = await e.load(dir);
      const s1 = sample(1, '<action> up</action>', dir);
      const s2 = sample(2, '<action> left</action> and more words here', dir);
      const t1 = e.createTrainer(m.handle, { lora, optim: { lr: 1e-3, totalSteps: 10 } });
      const base = await e.forward(m.handle, collate([s1], pad()));
      const init = await e.trainerForward(t1, collate([s1], pad()));
      expect(maxDiff(init.logits!, base.logits!)).toBe(0); // B = 0 at init

      const t2 = e.createTrainer(m.handle, { lora, optim: { lr: 1e-3, totalSteps: 10 } });
      const micro = await e.trainStep(t1, [collate([s1], pad()), collate([s2], pad())]);
      const whole = await e.trainStep(t2, [collate([s1, s2], pad())]);
      expect(micro.tokens).toBe(whole.tokens);
      expect(Math.abs(micro.loss - whole.loss)).toBeLessThan(1e-5);
      expect(Math.abs(micro.gradNorm - whole.gradNorm) / whole.gradNorm).toBeLessThan(1e-4);
      const a = await e.trainerForward(t1, collate([s1], pad()));
      const b = await e.trainerForward(t2, collate([s1], pad()));
      expect(maxDiff(a.logits!, b.logits!)).toBeLessThan(1e-4);
      expect(maxDiff(a.logits!, base.logits!)).toBeGreaterThan(1e-4); // it did learn something
    },
    120_000,
  );

  run('packs samples into one row without changing a logit, the loss or the gradient', async () => {
    const dir = model();
    const e = engine();
    const m = await e.load(dir);
    const s1 = sample(1, '<action> up</action>', dir);
    const s2 = sample(2, '<action> left</action> and more words here', dir);
    const s3 = sample(3, 'down', dir);
    // Each segment of a packed row sees only itself: its logits are those of the sample alone.
    const packed = await e.forward(m.handle, collatePacked([s1, s2, s3]));
    const V = packed.logits!.length / (s1.inputIds.length + s2.inputIds.length + s3.inputIds.length);
    let at = 0;
    for (const s of [s1, s2, s3]) {
      const alone = await e.forward(m.handle, collate([s], pad()));
      expect(maxDiff(packed.logits!.subarray(at * V, (at + s.inputIds.length) * V), alone.logits!)).toBeLessThan(1e-4);
      at += s.inputIds.length;
    }
    expect(packRows([s1, s2, s3], s2.inputIds.length + s3.inputIds.length).map((r) => r.length)).toEqual([2, 1]);
    // One step: packed rows vs padded micro-batches of the same samples.
    const a = e.createTrainer(m.handle, { lora, optim: { lr: 1e-3, totalSteps: 10 } });
    const b = e.createTrainer(m.handle, { lora, optim: { lr: 1e-3, totalSteps: 10 } });
    const padded = await e.trainStep(a, [collate([s1, s2], pad()), collate([s3], pad())]);
    const rows = await e.trainStep(
      b,
      packRows([s1, s2, s3], 10_000).map((r) => collatePacked(r)),
    );
    expect(rows.tokens).toBe(padded.tokens);
    expect(Math.abs(rows.loss - padded.loss)).toBeLessThan(1e-5);
    expect(Math.abs(rows.gradNorm - padded.gradNorm) / padded.gradNorm).toBeLessThan(1e-4);
  });

  run('gradient checkpointing gives the same steps, dropout masks included', async () => {
    const dir = model();
    const e = engine();
    const m = await e.load(dir);
    const batch = collate([sample(1, '<action> up</action>', dir), sample(2, '<action> left</action> and more', dir)], pad());
    const withDropout = { ...lora, dropout: 0.1 };
    const plain = e.createTrainer(m.handle, { lora: withDropout, optim: { lr: 1e-2, totalSteps: 10 } });
    const ckpt = e.createTrainer(m.handle, { lora: withDropout, optim: { lr: 1e-2, totalSteps: 10 }, gradientCheckpointing: true });
    for (let k = 0; k < 3; k++) {
      // Each step seeds dropout from (seed, step): the two runs agree only if the recompute replays the masks.
      const p = await e.trainStep(plain, [batch]);
      const c = await e.trainStep(ckpt, [batch]);
      expect(Math.abs(c.loss - p.loss)).toBeLessThan(1e-5);
      expect(Math.abs(c.gradNorm - p.gradNorm) / p.gradNorm).toBeLessThan(1e-4);
    }
    const after = await e.trainerForward(plain, batch);
    const afterCkpt = await e.trainerForward(ckpt, batch);
    expect(maxDiff(after.logits!, afterCkpt.logits!)).toBeLessThan(1e-4);
  });

  run(
    'follows warmup + linear decay as transformers steps it, and resumes the same run from a saved state',
    async () => {
      const dir = model();
      const e = engine();
      const m = await e.load(dir);
      const batch = collate([sample(1, '<action> up</action>', dir)], pad());
      const optim = { lr: 1e-3, warmupSteps: 2, totalSteps: 6 };
      const a = e.createTrainer(m.handle, { lora, optim });
      const steps = [];
      for (let i = 0; i < 4; i++) steps.push(await e.trainStep(a, [batch]));
      expect(steps.map((s) => s.lr)).toEqual([0, 5e-4, 1e-3, 7.5e-4]);

      const b = e.createTrainer(m.handle, { lora, optim });
      for (let i = 0; i < 2; i++) await e.trainStep(b, [batch]);
      const file = join(tempDir(), 'state.safetensors');
      expect(await e.saveState(b, file)).toBe(2);
      const c = e.createTrainer(m.handle, { lora: { ...lora, seed: 99 }, optim });
      expect(await e.loadState(c, file)).toBe(2);
      const c3 = await e.trainStep(c, [batch]);
      const c4 = await e.trainStep(c, [batch]);
      expect(c3.step).toBe(3);
      expect(Math.abs(c3.loss - steps[2]!.loss)).toBeLessThan(1e-6);
      expect(Math.abs(c4.loss - steps[3]!.loss)).toBeLessThan(1e-6);
      // 8-bit AdamW states: a quarter of the memory (plus a scale per 2048 values), and the run still learns.
      const q = e.createTrainer(m.handle, { lora, optim: { ...optim, states8bit: true } });
      const q1 = await e.trainStep(q, [batch]);
      expect(q1.optimizerStateBytes).toBeLessThan(steps[0]!.optimizerStateBytes / 3.5);
      let qLast = q1;
      for (let i = 0; i < 5; i++) qLast = await e.trainStep(q, [batch]);
      expect(qLast.loss).toBeLessThan(q1.loss);
      expect(Math.abs(qLast.loss - (await e.trainStep(a, [batch])).loss)).toBeLessThan(0.5); // tracks the fp32 run
      const file8 = join(tempDir(), 'state8.safetensors');
      await e.saveState(q, file8);
      const q2 = e.createTrainer(m.handle, { lora, optim: { ...optim, states8bit: true } });
      expect(await e.loadState(q2, file8)).toBe(6);
      const other = e.createTrainer(m.handle, { lora: { ...lora, r: 4 }, optim });
      await expect(e.loadState(other, file)).rejects.toThrow(/does not match this run's LoRA shape/);
    },
    120_000,
  );

  run(
    'overfits a tiny set to near-zero loss; the saved adapter merges into a model with the same logits',
    async () => {
      const dir = model();
      const e = engine();
      const m = await e.load(dir);
      const set = [sample(1, '<action> up</action>', dir), sample(2, '<action> down</action>', dir)];
      const t = e.createTrainer(m.handle, { lora: { r: 16, alpha: 32, seed: 1 }, optim: { lr: 1e-2, warmupSteps: 2, totalSteps: 80, schedule: 'constant' } });
      const first = await e.trainStep(t, [collate(set, pad())]);
      let last = first;
      for (let i = 1; i < 80; i++) last = await e.trainStep(t, [collate(set, pad())]);
      expect(first.loss).toBeGreaterThan(2);
      expect(last.loss).toBeLessThan(0.05);
      // Greedy generation with the adapter now answers with what it learned, and stops at the end of the turn.
      const text = loadTextSide(dir);
      const prompt = encodePrompt(
        [
          {
            role: 'user',
            content: [
              { type: 'image', text: null },
              { type: 'text', text: 'hello 2' },
            ],
          },
        ],
        [frame(2, 0)],
        text,
      );
      const [ids] = await e.generate(t, collate([prompt], pad()), { maxNewTokens: 20, stopIds: [specialId('<|im_end|>')] });
      expect(text.tokenizer!.decode([...ids!])).toBe('<action> down</action><|im_end|>');

      const adapter = join(tempDir(), 'adapter');
      mkdirSync(adapter);
      await e.saveAdapter(t, join(adapter, 'adapter_model.safetensors'));
      writeAdapterConfig(adapter, { r: 16, alpha: 32 }, dir);
      const merged = join(tempDir(), 'merged');
      await mergeModel({ baseDir: dir, adapterDir: adapter, outDir: merged, outDtype: 'keep' });
      const mm = await e.load(merged);
      const withAdapter = await e.trainerForward(t, collate([set[0]!], pad()));
      const mergedOut = await e.forward(mm.handle, collate([set[0]!], pad()));
      const scale = withAdapter.logits!.reduce((mx, x) => Math.max(mx, Math.abs(x)), 0);
      expect(maxDiff(mergedOut.logits!, withAdapter.logits!) / scale).toBeLessThan(1e-4);
    },
    300_000,
  );
});
