import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTextSide } from '../../../../main/core/model/templateAndTokenizer';
import { convertDataset, type Settings } from '../../../../main/core/steps/convert/convert';
import { ConvertSettings } from '../../../../preload/contract/convert';
import { frame, jsonlRecord, prompt, reply, writeArlarenaFiles, writeJsonlDataset } from '../../../helpers/datasets';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { readParquet } from '../../../helpers/parquet';
import { tempDir } from '../../../helpers/tmp';

const settings = (s: Partial<Settings> = {}): Settings => ConvertSettings.parse(s);
type Msg = { role: string; content: { type: string; text: string | null }[] };
type Img = { bytes: Uint8Array; path: string | null };
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

async function run(source: string, s: Partial<Settings>, text = loadTextSide(null)) {
  const out = join(tempDir(), 'out');
  const warnings: string[] = [];
  const r = await convertDataset({ source, outDir: out, settings: settings(s), text, name: 't', onWarning: (w) => warnings.push(w) });
  return { out, info: r.info, warnings };
}

describe('convert → TRL / datasets layout', () => {
  it('writes one sample per turn with that turn’s own frame, split by whole episodes, with datasets Image features', async () => {
    const src = writeJsonlDataset(
      join(tempDir(), 'ds'),
      Array.from({ length: 8 }, () => ({ turns: 3 })),
    );
    const { out, info } = await run(src, { split: { by: 'ratio', validation: 0.5, values: [], seed: 0 } });
    expect(readdirSync(out).sort()).toEqual(['dataset_info.json', 'train.parquet', 'validation.parquet']);
    const train = await readParquet(join(out, 'train.parquet'));
    const val = await readParquet(join(out, 'validation.parquet'));
    expect(train.numRows + val.numRows).toBe(24);
    expect(info.counts).toMatchObject({ episodes: 8, samples: 24, train: train.numRows, validation: val.numRows, images: 24 });
    expect(val.numRows).toBeGreaterThan(0);
    expect(train.numRows).toBeGreaterThan(0);
    const features = JSON.parse(train.keyValue.huggingface!).info.features;
    expect(features.images).toEqual([{ _type: 'Image' }]);
    expect(features.messages[0].content[0].text).toEqual({ dtype: 'string', _type: 'Value' });
    const splitOf = new Map<number, string>();
    for (const [name, t] of [
      ['train', train],
      ['validation', val],
    ] as const) {
      for (const row of t.rows) {
        const messages = row.messages as Msg[];
        const images = row.images as Img[];
        const user = messages[0]!.content.map((p) => (p.type === 'image' ? '<image>' : p.text)).join('');
        const [, ep, turn] = /episode (\d+), turn (\d+)/.exec(user)!.map(Number) as [number, number, number];
        expect(user).toBe(prompt(ep, turn));
        expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
        expect(messages[1]!.content).toEqual([{ type: 'text', text: reply(ep, turn) }]);
        expect(images).toHaveLength(1);
        expect(same(images[0]!.bytes, frame(ep, turn))).toBe(true);
        expect(splitOf.get(ep) ?? name).toBe(name); // all turns of an episode on one side
        splitOf.set(ep, name);
      }
    }
    expect(info.tokens.exact).toBe(false);
    expect(info.tokens.min).toBeGreaterThan(66); // 64 image_pad + 2 vision markers + text
    // The same input and settings give byte-identical files.
    const again = await run(src, { split: { by: 'ratio', validation: 0.5, values: [], seed: 0 } });
    expect(again.info.files.train!.sha256).toBe(info.files.train!.sha256);
  });

  it('whole episodes keep every frame at its own placeholder, in order; last-k carries k earlier turns', async () => {
    const src = writeJsonlDataset(join(tempDir(), 'ds'), [{ turns: 3 }]);
    const full = await run(src, { history: 'full', split: { by: 'ratio', validation: 0, values: [], seed: 0 } });
    const rows = (await readParquet(join(full.out, 'train.parquet'))).rows;
    expect(rows).toHaveLength(1);
    const msgs = rows[0]!.messages as Msg[];
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    const [before, after] = prompt(0, 1).split('<image>');
    expect(msgs[2]!.content).toEqual([
      { type: 'text', text: before },
      { type: 'image', text: null },
      { type: 'text', text: after },
    ]);
    const imgs = rows[0]!.images as Img[];
    expect(imgs.map((im, t) => same(im.bytes, frame(0, t)))).toEqual([true, true, true]);

    const lastK = await run(src, { history: 'last-k', historyTurns: 1, split: { by: 'ratio', validation: 0, values: [], seed: 0 } });
    const k = (await readParquet(join(lastK.out, 'train.parquet'))).rows;
    expect(k.map((r) => (r.messages as Msg[]).length)).toEqual([2, 4, 4]);
    expect((k[2]!.images as Img[]).map((im) => [same(im.bytes, frame(0, 1)), same(im.bytes, frame(0, 2))])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('splits by game (explicit validation games) and counts tokens exactly with a model’s tokenizer', async () => {
    const src = writeJsonlDataset(join(tempDir(), 'ds'), [
      { turns: 2, game: 'sokoban' },
      { turns: 2, game: 'frozenlake' },
      { turns: 1, game: 'sokoban' },
    ]);
    const model = join(tempDir(), 'model');
    makeQwen3VLCheckpoint(model);
    const { info } = await run(src, { split: { by: 'game', validation: 0.05, values: ['frozenlake'], seed: 0 } }, loadTextSide(model));
    expect(info.counts).toMatchObject({ train: 3, validation: 2 });
    expect(info.tokens.exact).toBe(true);
    expect(info.tokens.templateSource).toMatch(/chat_template.json$/);
  });

  it('drops (or keeps and flags) samples over maxTokens, never truncating them', async () => {
    const long = 'x'.repeat(4000);
    const src = writeJsonlDataset(join(tempDir(), 'ds'), [{ turns: 2 }, { turns: 1, reply: () => long }]);
    const dropped = await run(src, { maxTokens: 600, split: { by: 'ratio', validation: 0, values: [], seed: 0 } });
    expect(dropped.info.counts).toMatchObject({ samples: 2, overLength: 1, dropped: 1 });
    expect(dropped.info.overLengthSamples).toEqual(['traj-1#0']);
    expect(dropped.warnings.join()).toMatch(/1 sample\(s\) exceed 600 tokens and were dropped/);
    const kept = await run(src, { maxTokens: 600, overLength: 'keep', split: { by: 'ratio', validation: 0, values: [], seed: 0 } });
    expect(kept.info.counts).toMatchObject({ samples: 3, overLength: 1, dropped: 0 });
    const rows = (await readParquet(join(kept.out, 'train.parquet'))).rows;
    expect((rows[2]!.messages as Msg[])[1]!.content[0]!.text).toBe(long);
  });

  it('removes a placeholder whose turn has no frame, so placeholders always equal images', async () => {
    const src = writeJsonlDataset(join(tempDir(), 'ds'), [{ turns: 2, noFrame: [1] }]);
    const { out, info, warnings } = await run(src, { split: { by: 'ratio', validation: 0, values: [], seed: 0 } });
    const rows = (await readParquet(join(out, 'train.parquet'))).rows;
    expect((rows[1]!.messages as Msg[])[0]!.content).toEqual([{ type: 'text', text: prompt(0, 1).replace('<image>', '') }]);
    expect(rows[1]!.images).toEqual([]);
    expect(info.counts.placeholdersWithoutFrame).toBe(1);
    expect(warnings.join()).toMatch(/1 turn\(s\) had an <image> placeholder but no frame/);
  });
});

describe('convert → ARLArena and verl layouts', () => {
  it('ARLArena: combined.parquet with unique sample_idx across files and every turn’s own frame', async () => {
    const src = writeArlarenaFiles(join(tempDir(), 'arl'), [
      { seed: 1, episodes: 2, turns: 3 },
      { seed: 2, episodes: 2, turns: 2 },
    ]);
    const { out, info } = await run(src, { target: 'arlarena' });
    expect(readdirSync(out).sort()).toEqual(['combined.parquet', 'dataset_info.json']);
    const t = await readParquet(join(out, 'combined.parquet'));
    expect(t.rows.map((r) => r.sample_idx)).toEqual([0n, 1n, 2n, 3n]);
    expect(t.rows.map((r) => r.__source_file__)).toEqual([
      'high_score_multiturn_texts_seed1.json',
      'high_score_multiturn_texts_seed1.json',
      'high_score_multiturn_texts_seed2.json',
      'high_score_multiturn_texts_seed2.json',
    ]);
    expect(info.counts.samples).toBe(4);
    const row = t.rows[2]!;
    const turns = row.turns as { step: bigint; inputs: { content: string; role: string }[]; outputs: string; image: { data: string; format: string } }[];
    expect(turns).toHaveLength(2);
    turns.forEach((turn, k) => {
      expect(turn.step).toBe(BigInt(k));
      expect(turn.inputs).toEqual([{ content: prompt(2, k), role: 'user' }]);
      expect(turn.inputs[0]!.content.split('<image>')).toHaveLength(2);
      expect(turn.outputs).toBe(reply(2, k));
      expect(turn.image.format).toBe('png_base64');
      expect(Buffer.from(turn.image.data, 'base64').equals(frame(2, k))).toBe(true);
    });
    expect(Buffer.from((row.images as { data: string }).data, 'base64').equals(frame(2, 0))).toBe(true);
    expect(row.task_score).toBe(1);
  });

  it('verl: data_source, prompt with <image>, images, ability, reward_model, extra_info', async () => {
    const src = writeJsonlDataset(join(tempDir(), 'ds'), [{ turns: 2 }]);
    const { out } = await run(src, { target: 'verl', split: { by: 'ratio', validation: 0, values: [], seed: 0 } });
    const t = await readParquet(join(out, 'train.parquet'));
    expect(Object.keys(t.rows[0]!).sort()).toEqual(['ability', 'data_source', 'extra_info', 'images', 'messages', 'prompt', 'reward_model']);
    const r = t.rows[1]!;
    expect(r.data_source).toBe('sokoban');
    expect(r.ability).toBe('agent');
    expect(r.prompt).toEqual([{ role: 'user', content: prompt(0, 1) }]);
    expect(same((r.images as Img[])[0]!.bytes, frame(0, 1))).toBe(true);
    expect(r.reward_model).toEqual({ style: 'rule', ground_truth: JSON.stringify({ won: true, task_score: 1 }) });
    expect(r.extra_info).toMatchObject({ split: 'train', index: 1n, trajectory_id: 'traj-0', turn: 1n, answer: reply(0, 1) });
    expect(r.messages).toEqual([
      { role: 'user', content: prompt(0, 1) },
      { role: 'assistant', content: reply(0, 1) },
    ]);
    expect(JSON.parse(t.keyValue.huggingface!).info.features.images).toEqual([{ _type: 'Image' }]);
  });
});

describe('convert: bad input and cancellation leave nothing behind', () => {
  it('names the file, line and field, and writes no output folder', async () => {
    const dir = join(tempDir(), 'bad');
    writeJsonlDataset(dir, [{ turns: 1 }]);
    const good = JSON.stringify(jsonlRecord(0, { turns: 1 }));
    writeFileSync(join(dir, 'trajectories.jsonl'), `${good}\n{"id": "x", "turns": [\n`);
    const out = join(tempDir(), 'out');
    const go = (s: Partial<Settings> = {}) => convertDataset({ source: dir, outDir: out, settings: settings(s), text: loadTextSide(null), name: 't' });
    await expect(go()).rejects.toThrow(/trajectories.jsonl line 2: not valid JSON/);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
    const rec = jsonlRecord(0, { turns: 2 }) as { turns: Record<string, unknown>[] };
    delete rec.turns[1]!.reply;
    writeFileSync(join(dir, 'trajectories.jsonl'), `${good}\n${JSON.stringify(rec)}\n`);
    await expect(go()).rejects.toThrow(/trajectories.jsonl line 2: turns\[1\].reply: expected a string/);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
    // Two placeholders for one frame is refused, naming the trajectory and turn.
    writeFileSync(join(dir, 'trajectories.jsonl'), `${JSON.stringify(jsonlRecord(3, { turns: 1, prompt: () => '<image> and <image>' }))}\n`);
    await expect(go()).rejects.toThrow(/trajectory traj-3, turn 0: the prompt has 2 <image> placeholders but the turn has one frame/);
    expect(readFileSync(join(dir, 'dataset.json'), 'utf8')).toContain('vlm-sft-studio'); // the source is untouched
  });

  it('stops when cancelled and removes the partial output', async () => {
    const src = writeJsonlDataset(
      join(tempDir(), 'ds'),
      Array.from({ length: 5 }, () => ({ turns: 2 })),
    );
    const out = join(tempDir(), 'out');
    const ac = new AbortController();
    ac.abort();
    await expect(convertDataset({ source: src, outDir: out, settings: settings(), text: loadTextSide(null), name: 't', signal: ac.signal })).rejects.toThrow(/cancelled/);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });
});
