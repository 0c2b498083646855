// Generation in the engine (native/engine/src/generate.cc): greedy with the K/V cache equals
// greedy re-running the whole sequence per token (the reference) token for token, batched
// prompts equal each prompt alone, and both equal transformers' own greedy generate on a tiny
// Qwen3-VL that transformers wrote. Banned ids (image/video/vision placeholders, or any given)
// are never emitted; seeded sampling repeats; a stop id ends its row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../main/core/model/chat';
import { collate, encodeConversation, encodePrompt } from '../../main/core/model/encode';
import { loadTextSide } from '../../main/core/model/templateAndTokenizer';
import { engineState } from '../../main/core/native/engine';
import { texturedFrame, writeBatchFile } from '../helpers/liveBatch';
import { runPython } from '../helpers/python';

const state = engineState();
const engine = () => {
  if (!state.loaded) throw new Error(state.error);
  return state.engine;
};
const root = mkdtempSync(join(tmpdir(), 'studio-generate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const modelDir = join(root, 'tiny');
const PAD = 151643;
const EOS = [151645, 151643];
const PLACEHOLDERS = [151652, 151653, 151655, 151656]; // vision_start, vision_end, image_pad, video_pad
const measured: Record<string, unknown> = {};
afterAll(() => console.log(`[parity] generate: ${JSON.stringify(measured)}`));

const prompts: ChatMessage[][] = [
  [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'You push boxes. Board:' },
        { type: 'image', text: null },
        { type: 'text', text: ' Your move?' },
      ],
    },
  ],
  [
    {
      role: 'user',
      content: [
        { type: 'image', text: null },
        { type: 'text', text: 'Next board, a longer question this time: which way now, and why?' },
      ],
    },
  ],
];
const frames = [texturedFrame(256, 256, 1), texturedFrame(320, 256, 2)];
const encoded = () => prompts.map((p, i) => encodePrompt(p, [frames[i]!], loadTextSide(modelDir)));
const generateWithTransformers = async (model: string, jobs: { batch: string; max_new: number; eos: number[]; suppress: number[] }[]) =>
  (await runPython<{ tokens: number[][] }>('generate_parity.py', { model, jobs })).result.tokens;

beforeAll(async () => {
  await runPython('engine_parity.py', { action: 'make_model', dir: modelDir, tie: true, layers: 2, deepstack: [0], seed: 3 });
}, 300_000);

describe('engine generation with a K/V cache', () => {
  it('greedy with the cache equals re-running the sequence, batched equals alone, and both equal transformers', async () => {
    const e = engine();
    const m = await e.load(modelDir);
    const t = e.createTrainer(m.handle, { lora: { r: 4, alpha: 8, seed: 1 }, optim: { lr: 1e-3, totalSteps: 1 } });
    const enc = encoded();
    expect(enc[0]!.inputIds.length).not.toBe(enc[1]!.inputIds.length); // the batch is padded
    const opts = { maxNewTokens: 24, stopIds: EOS, padId: PAD };
    const cached = (await e.generate(t, collate(enc, PAD), opts)).map((r) => [...r]);
    const full = (await e.generate(t, collate(enc, PAD), { ...opts, useCache: false })).map((r) => [...r]);
    expect(cached).toEqual(full);
    const files = enc.map((x, i) => {
      const file = join(root, `prompt-${i}.safetensors`);
      writeBatchFile(file, collate([x], PAD));
      return file;
    });
    // Banning each prompt's first greedy token: the engine and transformers both take the next best.
    const banned = cached.map((row) => row[0]!);
    const ref = await generateWithTransformers(modelDir, [
      ...files.map((batch) => ({ batch, max_new: 24, eos: EOS, suppress: PLACEHOLDERS })),
      ...files.map((batch, i) => ({ batch, max_new: 8, eos: EOS, suppress: [...PLACEHOLDERS, banned[i]!] })),
    ]);
    for (let i = 0; i < enc.length; i++) {
      const [alone] = await e.generate(t, collate([enc[i]!], PAD), opts);
      expect([...alone!]).toEqual(cached[i]);
      expect(cached[i]!.some((id) => PLACEHOLDERS.includes(id))).toBe(false);
      expect(cached[i]).toEqual(ref[i]);
      const [ours] = await e.generate(t, collate([enc[i]!], PAD), { ...opts, maxNewTokens: 8, bannedIds: [banned[i]!] });
      expect([...ours!]).toEqual(ref[enc.length + i]);
      expect(ours![0]).not.toBe(banned[i]);
      measured[`prompt${i}`] = { tokens: cached[i]!.length, equalToTransformers: true, bannedFirstEqual: true };
    }
  }, 300_000);

  it('with a trained adapter the cache still equals the full re-run; seeded sampling repeats; a stop id ends its row', async () => {
    const e = engine();
    const m = await e.load(modelDir);
    const text = loadTextSide(modelDir);
    const t = e.createTrainer(m.handle, { lora: { r: 4, alpha: 8, seed: 1 }, optim: { lr: 5e-2, totalSteps: 4, warmupSteps: 0, schedule: 'constant' } });
    const sample = encodeConversation([...prompts[0]!, { role: 'assistant', content: [{ type: 'text', text: '<action>up</action>' }] }], [frames[0]!], text);
    for (let i = 0; i < 3; i++) await e.trainStep(t, [collate([sample], PAD)]);
    const batch = collate(encoded(), PAD);
    const opts = { maxNewTokens: 16, stopIds: EOS, padId: PAD };
    const cached = (await e.generate(t, batch, opts)).map((r) => [...r]);
    expect((await e.generate(t, batch, { ...opts, useCache: false })).map((r) => [...r])).toEqual(cached);
    const sampled = { ...opts, temperature: 1.5, topP: 0.95, seed: 7 };
    const a = (await e.generate(t, batch, sampled)).map((r) => [...r]);
    expect((await e.generate(t, batch, sampled)).map((r) => [...r])).toEqual(a);
    expect((await e.generate(t, batch, { ...sampled, useCache: false })).map((r) => [...r])).toEqual(a);
    const other = (await e.generate(t, batch, { ...sampled, seed: 8 })).map((r) => [...r]);
    expect(other).not.toEqual(a);
    for (const row of [...a, ...other]) expect(row.some((id) => PLACEHOLDERS.includes(id))).toBe(false);
    // A token of row 0's greedy answer as the only stop id: each row ends right after its first occurrence
    // (or runs as before to max_new); a stopped row does not change the other.
    const stop = cached[0]![2]!;
    const stopped = (await e.generate(t, batch, { ...opts, stopIds: [stop] })).map((r) => [...r]);
    const free = (await e.generate(t, batch, { ...opts, stopIds: [] })).map((r) => [...r]);
    free.forEach((row, r) => {
      const cut = row.indexOf(stop);
      expect(stopped[r]).toEqual(cut >= 0 ? row.slice(0, cut + 1) : row);
    });
    expect(stopped[0]!.length).toBeLessThanOrEqual(3);
    measured.trained = { greedy: cached.map((r) => r.length), sampled: a.map((r) => r.length) };
  }, 300_000);

  it('a model that prefers <|image_pad|> never emits it (the bug that failed runs): it answers as transformers does with the placeholders suppressed', async () => {
    const dir = join(root, 'boosted');
    await runPython('engine_parity.py', { action: 'make_model', dir, tie: true, layers: 2, deepstack: [0], seed: 3 });
    await runPython('generate_parity.py', { action: 'boost', dir, token: 151655, scale: 40 });
    const e = engine();
    const m = await e.load(dir);
    const t = e.createTrainer(m.handle, { lora: { r: 4, alpha: 8, seed: 1 }, optim: { lr: 1e-3, totalSteps: 1 } });
    const enc = prompts.map((p, i) => encodePrompt(p, [frames[i]!], loadTextSide(dir)));
    // Unbanned, transformers' greedy answer is nothing but image placeholders.
    const file = join(root, 'boosted-0.safetensors');
    writeBatchFile(file, collate([enc[0]!], PAD));
    const [raw, ref] = await generateWithTransformers(dir, [
      { batch: file, max_new: 6, eos: EOS, suppress: [] },
      { batch: file, max_new: 12, eos: EOS, suppress: PLACEHOLDERS },
    ]);
    expect(raw!.filter((x) => x === 151655).length).toBeGreaterThanOrEqual(5);
    const [ours] = await e.generate(t, collate([enc[0]!], PAD), { maxNewTokens: 12, stopIds: EOS, padId: PAD });
    expect([...ours!].some((id) => PLACEHOLDERS.includes(id))).toBe(false);
    expect([...ours!]).toEqual(ref);
    measured.boosted = { unbannedImageTokens: raw!.filter((x) => x === 151655).length, ours: ours!.length };
  }, 300_000);
});
