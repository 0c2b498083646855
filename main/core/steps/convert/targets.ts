// The three Parquet layouts a conversion can write, each as an Arrow schema
// and a row builder. TRL and verl carry Hugging Face `datasets` feature
// metadata (key "huggingface") so load_dataset("parquet") decodes the image
// structs as images; ARLArena's layout is what its json_to_parquet.py wrote.
import * as arrow from 'apache-arrow';
import type { ChatMessage } from '../../model/chat';
import type { SourceEpisode } from './episodes';
import { type Sample, userMessage } from './samples';
import type { SplitName } from './split';

// Every field is nullable, as `datasets` (and pandas) write them: datasets applies
// the embedded features only to a column whose Arrow field equals the one the
// features describe, nullability included — a non-nullable column loses its
// Image feature and comes back as {bytes, path} dicts.
const field = (name: string, type: arrow.DataType) => new arrow.Field(name, type, true);
const str = (name: string) => field(name, new arrow.Utf8());
const i64 = (name: string) => field(name, new arrow.Int64());
const f64 = (name: string) => field(name, new arrow.Float64());
const struct = (fields: arrow.Field[]) => new arrow.Struct(fields);
const list = (item: arrow.DataType) => new arrow.List(field('element', item));

// The datasets Image feature's storage: struct<bytes: binary, path: string>.
const ImageStruct = struct([field('bytes', new arrow.Binary()), str('path')]);
const Part = struct([str('type'), str('text')]);
const ChatMsg = struct([str('role'), field('content', list(Part))]);
const PlainMsg = struct([str('role'), str('content')]);
const B64Image = struct([str('data'), str('format')]);

export type Row = Record<string, unknown>;

export interface TargetLayout {
  id: 'trl' | 'arlarena' | 'verl';
  /** Files written: one per split, or one combined file. */
  files: 'split' | 'combined';
  schema: arrow.Schema;
  /** Columns holding datasets Image structs (for the feature metadata). */
  imageColumns: string[];
}

export const TRL: TargetLayout = {
  id: 'trl',
  files: 'split',
  schema: new arrow.Schema([field('messages', list(ChatMsg)), field('images', list(ImageStruct))]),
  imageColumns: ['images'],
};

export const VERL: TargetLayout = {
  id: 'verl',
  files: 'split',
  schema: new arrow.Schema([
    str('data_source'),
    field('prompt', list(PlainMsg)),
    field('images', list(ImageStruct)),
    str('ability'),
    field('reward_model', struct([str('style'), str('ground_truth')])),
    field('extra_info', struct([str('split'), i64('index'), str('trajectory_id'), i64('turn'), str('answer'), f64('task_score')])),
    // The whole conversation with <image> placeholders: what verl's multi-turn SFT dataset reads.
    field('messages', list(PlainMsg)),
  ]),
  imageColumns: ['images'],
};

export const ARLARENA: TargetLayout = {
  id: 'arlarena',
  files: 'combined',
  schema: new arrow.Schema([
    i64('sample_idx'),
    f64('task_score'),
    field('turns', list(struct([i64('step'), field('inputs', list(struct([str('content'), str('role')]))), str('outputs'), field('image', B64Image)]))),
    field('images', B64Image),
    str('__source_file__'),
  ]),
  imageColumns: [],
};

export const TARGETS = { trl: TRL, verl: VERL, arlarena: ARLARENA } as const;

const imageCell = (png: Buffer) => ({ bytes: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), path: null });

/** Content with "<image>" at each image, as verl and ARLArena keep prompts. */
function plain(m: ChatMessage): { role: string; content: string } {
  return { role: m.role, content: m.content.map((p) => (p.type === 'image' ? '<image>' : (p.text ?? ''))).join('') };
}

export function trlRow(s: Sample): Row {
  return { messages: s.messages.map((m) => ({ role: m.role, content: m.content.map((p) => ({ type: p.type, text: p.text })) })), images: s.images.map(imageCell) };
}

export function verlRow(s: Sample, split: SplitName, index: number): Row {
  const answer = s.messages[s.messages.length - 1]!;
  return {
    data_source: s.episode.game,
    prompt: s.messages.slice(0, -1).map(plain),
    images: s.images.map(imageCell),
    ability: 'agent',
    reward_model: { style: 'rule', ground_truth: JSON.stringify({ won: s.episode.success, task_score: s.episode.taskScore }) },
    extra_info: { split, index: BigInt(index), trajectory_id: s.episode.id, turn: BigInt(s.turn), answer: plain(answer).content, task_score: s.episode.taskScore },
    messages: s.messages.map(plain),
  };
}

/** One episode in ARLArena's layout, each turn with its own frame; sample_idx is unique across the whole file. */
export function arlarenaRow(ep: SourceEpisode, sampleIdx: number): Row {
  const b64 = (png: Buffer | null) => (png ? { data: png.toString('base64'), format: 'png_base64' } : null);
  return {
    sample_idx: BigInt(sampleIdx),
    task_score: ep.taskScore,
    turns: ep.turns.map((t, k) => ({
      step: BigInt(t.step),
      inputs: [{ content: plain(userMessage(ep, k).message).content, role: 'user' }],
      outputs: t.reply,
      image: b64(t.image),
    })),
    images: b64(ep.turns[0]?.image ?? null),
    __source_file__: ep.sourceFile,
  };
}

/** The `datasets` Features JSON for a schema (list-literal form, read by datasets 2.x to 4.x). */
export function hfFeatures(layout: TargetLayout): string {
  const feature = (t: arrow.DataType): unknown => {
    if (t instanceof arrow.Utf8) return { dtype: 'string', _type: 'Value' };
    if (t instanceof arrow.Int64) return { dtype: 'int64', _type: 'Value' };
    if (t instanceof arrow.Float64) return { dtype: 'float64', _type: 'Value' };
    if (t instanceof arrow.Binary) return { dtype: 'binary', _type: 'Value' };
    if (t instanceof arrow.List) return [feature(t.children[0]!.type)];
    if (t instanceof arrow.Struct) return Object.fromEntries(t.children.map((f) => [f.name, feature(f.type)]));
    throw new Error(`no datasets feature for Arrow type ${String(t)}`);
  };
  const features = Object.fromEntries(
    layout.schema.fields.map((f) => [f.name, layout.imageColumns.includes(f.name) ? (f.type instanceof arrow.List ? [{ _type: 'Image' }] : { _type: 'Image' }) : feature(f.type)]),
  );
  return JSON.stringify({ info: { features } });
}
