// The Convert step's Parquet read by the tools it is for, in the suite's Python
// environment (test/python/parquet_in_tools.py): datasets (which TRL and verl load
// it with), plain TRL's SFTTrainer, qwen-vl-utils as verl-agent and ARLArena call
// it, and pandas as ARLArena's notebook reads its combined.parquet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTextSide } from '../../../../main/core/model/templateAndTokenizer';
import { convertDataset, type Settings } from '../../../../main/core/steps/convert/convert';
import { writeRlSplit } from '../../../../main/core/steps/rl/rlData';
import { ConvertSettings } from '../../../../preload/contract/convert';
import { prompt, reply, writeArlarenaFiles, writeJsonlDataset } from '../../../helpers/datasets';
import { runPython } from '../../../helpers/python';

const work = mkdtempSync(join(tmpdir(), 'studio-artifacts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cache = join(work, 'hf-cache');

// frame(ep, turn) in test/helpers/datasets.ts: a solid colour per (episode, turn).
const colour = (ep: number, turn: number) => [(ep * 37) & 255, (turn * 53 + 11) & 255, 200];

let n = 0;
async function convert(source: string, s: Partial<Settings>): Promise<string> {
  const out = join(work, `out-${n++}`);
  await convertDataset({ source, outDir: out, settings: ConvertSettings.parse(s), text: loadTextSide(null), name: 't' });
  return out;
}
type Split = Settings['split'];
const noSplit: Split = { by: 'ratio', validation: 0, values: [], seed: 0 };

type ImageFacts = { type: string; size?: number[]; pixel?: number[] };
type DatasetsAnswer = { files: { file: string; columns: string[]; images_feature: string; rows: { images: ImageFacts[] }[] }[] };

describe('trl and verl Parquet in datasets', () => {
  it('load_dataset("parquet") decodes every image column as PIL images, each the frame of its turn', async () => {
    const src = writeJsonlDataset(
      join(work, 'ds-a'),
      ['sokoban', 'sokoban', 'frozenlake', 'frozenlake'].map((game) => ({ turns: 2, game })),
    );
    const bygame: Split = { by: 'game', validation: 0, values: ['frozenlake'], seed: 0 };
    const trl = await convert(src, { target: 'trl', history: 'full', split: bygame });
    const verl = await convert(src, { target: 'verl', split: bygame });
    const files = [join(trl, 'train.parquet'), join(trl, 'validation.parquet'), join(verl, 'train.parquet'), join(verl, 'validation.parquet')];
    const { result } = await runPython<DatasetsAnswer>('parquet_in_tools.py', { check: 'datasets', files, cache_dir: cache });
    let images = 0;
    for (const f of result.files) {
      expect(f.images_feature, f.file).toBe('List(Image(mode=None, decode=True))');
      for (const row of f.rows)
        for (const im of row.images) {
          expect(im.type, f.file).toBe('PIL');
          expect(im.size).toEqual([256, 256]);
          images++;
        }
    }
    expect(images).toBe(16); // 4 whole episodes × 2 frames (trl) + 8 one-turn samples (verl)
    // Whole episodes: frames in turn order.
    const trlRows = [...result.files[0]!.rows, ...result.files[1]!.rows];
    const pixels = new Set(trlRows.map((r) => JSON.stringify(r.images.map((im) => im.pixel![1]))));
    expect([...pixels]).toEqual([JSON.stringify([colour(0, 0)[1], colour(0, 1)[1]])]);
    const episodes = trlRows.map((r) => r.images[0]!.pixel![0]!).sort((a, b) => a - b);
    expect(episodes).toEqual([0, 1, 2, 3].map((e) => colour(e, 0)[0]));
  }, 120_000);

  it('verl rows go through qwen-vl-utils as verl-agent and ARLArena call it; the raw Arrow structs would not', async () => {
    const src = writeJsonlDataset(join(work, 'ds-b'), [{ turns: 3 }]);
    const verl = await convert(src, { target: 'verl', split: noSplit });
    const { result } = await runPython<Record<string, { ok: boolean; sizes?: number[][]; modes?: string[]; error?: string }>>('parquet_in_tools.py', {
      check: 'verl_images',
      file: join(verl, 'train.parquet'),
      cache_dir: cache,
    });
    // A decoded PIL image is only converted to RGB (verl's processor resizes it later).
    for (const who of ['datasets/verl_agent', 'datasets/arlarena'])
      expect(result[who], who).toEqual({
        ok: true,
        sizes: [
          [256, 256],
          [256, 256],
          [256, 256],
        ],
        modes: ['RGB'],
      });
    // What loading without the features gave before the fix: verl-agent hands a BytesIO to fetch_image, which fails;
    // ARLArena opens the bytes first and fetch_image resizes to multiples of 28 (256 → 252).
    expect(result['raw/verl_agent']).toMatchObject({ ok: false });
    expect(result['raw/arlarena']).toEqual({
      ok: true,
      sizes: [
        [252, 252],
        [252, 252],
        [252, 252],
      ],
      modes: ['RGB'],
    });
    expect(result['raw/verl_agent']!.error).toMatch(/AttributeError.*startswith/);
  }, 120_000);

  it('the RL handoff’s driver rows (verl layout, real Sokoban frames) load as PIL images too', async () => {
    const file = join(work, 'rl-train.parquet');
    await writeRlSplit({ file, split: 'train', rows: 2, firstSeed: 0 }, { game: 'sokoban', settings: {} });
    const { result } = await runPython<Record<string, { ok: boolean; sizes?: number[][] }>>('parquet_in_tools.py', { check: 'verl_images', file, cache_dir: cache });
    expect(result['datasets/verl_agent']).toMatchObject({ ok: true });
    expect(result['datasets/verl_agent']!.sizes).toHaveLength(2);
  }, 120_000);
});

describe('trl Parquet in plain TRL', () => {
  it('SFTTrainer with its own vision collator trains 2 steps on a tiny Qwen3-VL', async () => {
    const src = writeJsonlDataset(
      join(work, 'ds-c'),
      Array.from({ length: 4 }, () => ({ turns: 2 })),
    );
    const trl = await convert(src, { target: 'trl', split: noSplit });
    const { result } = await runPython<{ collator: string; steps: number; losses: number[] }>('parquet_in_tools.py', {
      check: 'sft_plain',
      train_file: join(trl, 'train.parquet'),
      model_dir: join(work, 'tiny-qwen3vl'),
      cache_dir: cache,
      out_dir: join(work, 'sft-plain'),
    });
    expect(result.collator).toBe('DataCollatorForVisionLanguageModeling');
    expect(result.steps).toBe(2);
    expect(result.losses).toHaveLength(2);
    // An untrained model over Qwen's 151,936-token vocabulary: about ln(151936) ≈ 11.9 per token.
    for (const l of result.losses) (expect(l).toBeGreaterThan(10), expect(l).toBeLessThan(13));
  }, 240_000);
});

describe('arlarena Parquet in pandas', () => {
  it('reads as ARLArena’s notebook reads combined.parquet: int64 sample_idx unique across files, user/assistant turns, base64 PNG frames', async () => {
    const src = writeArlarenaFiles(join(work, 'ds-d'), [
      { seed: 0, episodes: 2, turns: 2 },
      { seed: 1, episodes: 1, turns: 3 },
    ]);
    const out = await convert(src, { target: 'arlarena', split: noSplit });
    type Row = {
      sample_idx: number;
      task_score: number;
      source_file: string;
      messages: { role: string; content: string }[];
      first_image: ImageFacts & { format: string };
      turn_frames: ImageFacts[];
    };
    const { result } = await runPython<{ dtypes: Record<string, string>; unique_sample_idx: boolean; rows: Row[] }>('parquet_in_tools.py', {
      check: 'arlarena',
      file: join(out, 'combined.parquet'),
    });
    // pandas 2 (ARLArena's) reads strings as 'object', pandas 3 as 'str'.
    expect({ ...result.dtypes, __source_file__: result.dtypes.__source_file__!.replace(/^str$/, 'object') }).toEqual({
      sample_idx: 'int64',
      task_score: 'float64',
      turns: 'object',
      images: 'object',
      __source_file__: 'object',
    });
    expect(result.unique_sample_idx).toBe(true);
    expect(result.rows.map((r) => r.sample_idx)).toEqual([0, 1, 2]);
    expect(result.rows.map((r) => r.source_file)).toEqual([
      'high_score_multiturn_texts_seed0.json',
      'high_score_multiturn_texts_seed0.json',
      'high_score_multiturn_texts_seed1.json',
    ]);
    result.rows.forEach((r, ep) => {
      const turns = ep === 2 ? 3 : 2;
      expect(r.messages).toEqual(
        Array.from({ length: turns }, (_, t) => [
          { role: 'user', content: prompt(ep, t) },
          { role: 'assistant', content: reply(ep, t) },
        ]).flat(),
      );
      expect(r.first_image).toEqual({ format: 'png_base64', type: 'PIL', size: [256, 256], pixel: colour(ep, 0) });
      expect(r.turn_frames.map((f) => f.pixel)).toEqual(Array.from({ length: turns }, (_, t) => colour(ep, t)));
    });
  }, 120_000);
});
