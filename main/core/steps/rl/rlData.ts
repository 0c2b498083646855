// The RL driver files in verl's Parquet layout (what verl-agent's
// examples/data_preprocess/prepare.py writes in visual mode): one row per env
// group, a user prompt that is just "<image>", and an image — here a real frame
// of the game instead of a downloaded geometry3k picture. verl-agent replaces
// prompt and image with the live observation; the rows set modality and size.
import * as arrow from 'apache-arrow';
import { ParquetFileWriter } from '../../parquet/writer';
import { getGame } from '../../games';
import { CancelledError } from '../../util/errors';

// Nullable throughout, as datasets writes them: datasets applies the features
// below only to columns whose Arrow field matches them exactly.
const field = (name: string, type: arrow.DataType) => new arrow.Field(name, type, true);
const str = (name: string) => field(name, new arrow.Utf8());
const list = (item: arrow.DataType) => new arrow.List(field('element', item));
const ImageStruct = new arrow.Struct([field('bytes', new arrow.Binary()), str('path')]);
const Message = new arrow.Struct([str('role'), str('content')]);

const FIELDS = [
  str('data_source'),
  field('prompt', list(Message)),
  field('images', list(ImageStruct)),
  str('ability'),
  field('reward_model', new arrow.Struct([str('style'), str('ground_truth')])),
  field('extra_info', new arrow.Struct([str('split'), field('index', new arrow.Int64())])),
];

// datasets' feature metadata, so load_dataset("parquet") (verl's loader) decodes the structs as images.
const HF_FEATURES = JSON.stringify({
  info: {
    features: {
      data_source: { dtype: 'string', _type: 'Value' },
      prompt: [{ role: { dtype: 'string', _type: 'Value' }, content: { dtype: 'string', _type: 'Value' } }],
      images: [{ _type: 'Image' }],
      ability: { dtype: 'string', _type: 'Value' },
      reward_model: { style: { dtype: 'string', _type: 'Value' }, ground_truth: { dtype: 'string', _type: 'Value' } },
      extra_info: { split: { dtype: 'string', _type: 'Value' }, index: { dtype: 'int64', _type: 'Value' } },
    },
  },
});

export const RL_SCHEMA = new arrow.Schema(FIELDS, new Map([['huggingface', HF_FEATURES]]));

// verl-agent seeds validation envs from a separate range ([2^16, 2^32)); the frames follow that split.
export const VALIDATION_SEED_OFFSET = 65536;

export interface RlSplitSpec {
  file: string;
  split: 'train' | 'test';
  rows: number;
  firstSeed: number;
}

export interface RlDataOptions {
  game: string;
  settings: Record<string, unknown>;
  signal?: AbortSignal;
  onRow?: (done: number) => void;
}

/** Writes one split; each row's frame is the start of the level for seed firstSeed + index. */
export async function writeRlSplit(spec: RlSplitSpec, o: RlDataOptions): Promise<{ rows: number; bytes: number }> {
  const game = getGame(o.game);
  const writer = new ParquetFileWriter(spec.file, RL_SCHEMA, { rowGroupRows: 64, keyValueMetadata: { huggingface: HF_FEATURES } });
  try {
    let batch: Record<string, unknown>[] = [];
    for (let index = 0; index < spec.rows; index++) {
      if (o.signal?.aborted) throw new CancelledError();
      const frame = game.create(o.settings, spec.firstSeed + index).reset();
      batch.push({
        data_source: 'visual',
        prompt: [{ role: 'user', content: '<image>' }],
        images: [{ bytes: new Uint8Array(frame.png.buffer, frame.png.byteOffset, frame.png.byteLength), path: null }],
        ability: 'agent',
        // The env computes the reward; there is no reference answer.
        reward_model: { style: 'rule', ground_truth: '' },
        extra_info: { split: spec.split, index: BigInt(index) },
      });
      if (batch.length === 64) {
        await writer.write(batch);
        batch = [];
      }
      o.onRow?.(index + 1);
    }
    await writer.write(batch);
    return await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
