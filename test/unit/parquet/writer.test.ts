import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ParquetFileWriter, writeParquetFile } from '../../../main/core/parquet/writer';
import { readParquet } from '../../helpers/parquet';
import { tempDir } from '../../helpers/tmp';

const Part = new arrow.Struct([new arrow.Field('type', new arrow.Utf8(), false), new arrow.Field('text', new arrow.Utf8(), true)]);
const Msg = new arrow.Struct([new arrow.Field('role', new arrow.Utf8(), false), new arrow.Field('content', new arrow.List(new arrow.Field('element', Part, false)), false)]);
const Img = new arrow.Struct([new arrow.Field('bytes', new arrow.Binary(), true), new arrow.Field('path', new arrow.Utf8(), true)]);
const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('messages', new arrow.List(new arrow.Field('element', Msg, false)), false),
  new arrow.Field('images', new arrow.List(new arrow.Field('element', Img, false)), false),
]);

function row(i: number) {
  return {
    id: BigInt(i),
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', text: null },
          { type: 'text', text: `move ${i} ✓` },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: i % 2 ? 'up' : 'down' }] },
    ],
    images: Array.from({ length: i % 3 }, (_, k) => ({ bytes: new Uint8Array([i & 255, k, 0, 255]), path: null })),
  };
}

describe('ParquetFileWriter', () => {
  it('writes nested list<struct> and binary columns that an independent reader decodes exactly, one row group per batch', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.parquet');
    const w = new ParquetFileWriter(file, schema, { rowGroupRows: 10, keyValueMetadata: { huggingface: '{"a":1}' } });
    for (let b = 0; b < 5; b++) await w.write(Array.from({ length: 10 }, (_, k) => row(b * 10 + k)));
    expect(existsSync(file)).toBe(false); // still .partial until close
    const { rows, bytes } = await w.close();
    expect(rows).toBe(50);
    expect(bytes).toBeGreaterThan(100);
    expect(readdirSync(dir)).toEqual(['x.parquet']);
    const back = await readParquet(file);
    expect(back.numRows).toBe(50);
    expect(back.rowGroups).toBe(5);
    expect(back.keyValue.huggingface).toBe('{"a":1}');
    expect(back.keyValue['ARROW:schema']).toBeTruthy();
    for (const i of [0, 1, 2, 17, 49]) {
      const r = back.rows[i]!;
      const want = row(i);
      expect(r.id).toBe(BigInt(i));
      expect(r.messages).toEqual(want.messages);
      expect((r.images as { bytes: Uint8Array }[]).map((x) => Array.from(x.bytes))).toEqual(want.images.map((x) => Array.from(x.bytes)));
    }
  });

  it('abort leaves nothing behind, and a bad value is an error that keeps no file', async () => {
    const dir = tempDir();
    const w = new ParquetFileWriter(join(dir, 'a.parquet'), schema);
    await w.write([row(1)]);
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
    await expect(writeParquetFile(join(dir, 'b.parquet'), schema, [{ id: 'nope', messages: 3, images: [] }])).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});
