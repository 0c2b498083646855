// The conversion itself, without the job runner (the CLI and the job both
// call it): stream episodes → samples → budget check → split → Parquet row
// groups. Everything is written into `<out>.partial/` and renamed to `out`
// only when complete, so a failed or cancelled run leaves nothing behind.
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import type { z } from 'zod';
import type { ConvertSettings } from '../../../../preload/contract/convert';
import type { TextSide } from '../../model/templateAndTokenizer';
import { ParquetFileWriter } from '../../parquet/writer';
import { CancelledError, StudioError } from '../../util/errors';
import { hashPath } from '../../util/hash';
import { nowIso } from '../../util/time';
import { percentile } from './budget';
import { roundHistogram } from '../../util/histogram';
import { datasetFiles, readEpisodes } from './episodes';
import { planEpisode } from './plan';
import type { Sample } from './samples';
import type { SplitName } from './split';
import { arlarenaRow, hfFeatures, type Row, TARGETS, trlRow, verlRow } from './targets';

export type Settings = z.output<typeof ConvertSettings>;

export interface ConvertOptions {
  source: string;
  outDir: string;
  settings: Settings;
  text: TextSide;
  name: string;
  lineage?: Record<string, unknown>;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  onWarning?: (message: string) => void;
}

export interface ConvertResult {
  outDir: string;
  info: DatasetInfo;
}

export interface FileInfo {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface DatasetInfo {
  format: 'vlm-sft-studio.parquet';
  version: 1;
  name: string;
  target: Settings['target'];
  createdAt: string;
  files: Partial<Record<SplitName | 'combined', FileInfo>>;
  counts: { episodes: number; samples: number; train: number; validation: number; images: number; overLength: number; dropped: number; placeholdersWithoutFrame: number };
  tokens: {
    exact: boolean;
    templateSource: string;
    maxTokens: number;
    min: number;
    max: number;
    mean: number;
    p50: number;
    p95: number;
    histogram: { edges: number[]; counts: number[] };
  };
  overLengthSamples: string[];
  settings: Settings;
  schema: Record<string, string>;
  source: Record<string, unknown>;
}

export const DATASET_INFO_FILE = 'dataset_info.json';

export async function convertDataset(o: ConvertOptions): Promise<ConvertResult> {
  const s = o.settings;
  const layout = TARGETS[s.target];
  if (existsSync(o.outDir)) throw new StudioError('exists', `${o.outDir} already exists; choose another output folder`);
  const { bytes: totalBytes } = datasetFiles(o.source);
  const tmp = `${o.outDir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });

  const hf = layout.imageColumns.length ? hfFeatures(layout) : null;
  const schema = hf ? new arrow.Schema(layout.schema.fields, new Map([['huggingface', hf]])) : layout.schema;
  const kv = hf ? { huggingface: hf } : undefined;
  const names: SplitName[] | ['combined'] = layout.files === 'split' ? ['train', 'validation'] : ['combined'];
  const writers = new Map<string, ParquetFileWriter>();
  for (const n of names) writers.set(n, new ParquetFileWriter(join(tmp, `${n}.parquet`), schema, { rowGroupRows: s.rowGroupRows, keyValueMetadata: kv }));
  const buffers = new Map<string, Row[]>(names.map((n) => [n, []]));
  const flush = async (n: string, all = false): Promise<void> => {
    const buf = buffers.get(n)!;
    while (buf.length >= s.rowGroupRows || (all && buf.length)) await writers.get(n)!.write(buf.splice(0, s.rowGroupRows));
  };

  const tokens: number[] = [];
  const overLength: string[] = [];
  const counts = { episodes: 0, samples: 0, train: 0, validation: 0, images: 0, overLength: 0, dropped: 0, placeholdersWithoutFrame: 0 };
  const withoutFrame = new Set<string>();
  let read = 0;
  let lastReport = 0;
  try {
    for await (const ep of readEpisodes(o.source, (n) => (read += n))) {
      if (o.signal?.aborted) throw new CancelledError();
      counts.episodes++;
      const { split, samples } = planEpisode(ep, s, o.text, (k) => withoutFrame.add(`${ep.id}#${k}`));
      const kept: Sample[] = [];
      for (const p of samples) {
        tokens.push(p.budget.tokens);
        if (p.over) {
          counts.overLength++;
          if (overLength.length < 1000) overLength.push(p.sample.key);
        }
        if (p.kept) kept.push(p.sample);
        else counts.dropped++;
      }
      if (s.target === 'arlarena') {
        // One row per episode; an over-long episode is dropped whole when dropping.
        if (kept.length) {
          buffers.get('combined')!.push(arlarenaRow(ep, counts.samples));
          counts.samples++;
          counts.images += ep.turns.filter((t) => t.image).length;
          await flush('combined');
        }
      } else {
        for (const sample of kept) {
          const row = s.target === 'trl' ? trlRow(sample) : verlRow(sample, split, counts[split]);
          buffers.get(split)!.push(row);
          counts.samples++;
          counts[split]++;
          counts.images += sample.images.length;
        }
        await flush(split);
      }
      const now = Date.now();
      if (o.onProgress && now - lastReport > 200) {
        lastReport = now;
        o.onProgress(Math.min(0.99, read / Math.max(1, totalBytes)), `${counts.episodes} episodes, ${counts.samples} samples`);
      }
    }
    if (counts.episodes === 0) throw new StudioError('empty', `${o.source}: the dataset has no episodes`);
    if (counts.samples === 0) throw new StudioError('empty', `every sample is longer than maxTokens (${s.maxTokens}); raise it or keep over-long samples`);
    const files: DatasetInfo['files'] = {};
    for (const n of names) {
      await flush(n, true);
      const r = await writers.get(n)!.close();
      const file = `${n}.parquet`;
      files[n] = { file, rows: r.rows, bytes: r.bytes, sha256: (await hashPath(join(tmp, file))).sha256 };
    }
    counts.placeholdersWithoutFrame = withoutFrame.size;
    if (withoutFrame.size) o.onWarning?.(`${withoutFrame.size} turn(s) had an <image> placeholder but no frame; the placeholder was removed from those prompts`);
    if (counts.overLength)
      o.onWarning?.(`${counts.overLength} sample(s) exceed ${s.maxTokens} tokens and were ${s.overLength === 'drop' ? 'dropped' : 'kept (flagged in dataset_info.json)'}`);
    const sorted = [...tokens].sort((a, b) => a - b);
    const info: DatasetInfo = {
      format: 'vlm-sft-studio.parquet',
      version: 1,
      name: o.name,
      target: s.target,
      createdAt: nowIso(),
      files,
      counts,
      tokens: {
        exact: o.text.exact,
        templateSource: o.text.templateSource,
        maxTokens: s.maxTokens,
        min: sorted[0] ?? 0,
        max: sorted[sorted.length - 1] ?? 0,
        mean: sorted.length ? Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length) : 0,
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        histogram: roundHistogram(tokens),
      },
      overLengthSamples: overLength,
      settings: s,
      schema: Object.fromEntries(layout.schema.fields.map((f) => [f.name, String(f.type)])),
      source: { path: o.source, ...o.lineage },
    };
    writeFileSync(join(tmp, DATASET_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
    renameSync(tmp, o.outDir);
    o.onProgress?.(1, `${counts.samples} samples from ${counts.episodes} episodes`);
    return { outDir: o.outDir, info };
  } catch (err) {
    for (const w of writers.values()) await w.abort();
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
