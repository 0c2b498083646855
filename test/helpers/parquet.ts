// Reads Parquet back with hyparquet: a second, independent implementation
// (pure JavaScript) from the writer's (Rust arrow-rs compiled to wasm).
import { readFileSync } from 'node:fs';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';

export interface ReadBack {
  rows: Record<string, unknown>[];
  numRows: number;
  rowGroups: number;
  keyValue: Record<string, string>;
  /** Column paths with their Parquet types, e.g. "messages.list.element.role: BYTE_ARRAY". */
  schema: ReturnType<typeof parquetSchema>;
}

export async function readParquet(file: string): Promise<ReadBack> {
  const buf = readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  const md = parquetMetadata(ab);
  const rows = (await parquetReadObjects({ file: ab, utf8: false })) as Record<string, unknown>[];
  const keyValue: Record<string, string> = {};
  for (const kv of md.key_value_metadata ?? []) keyValue[kv.key] = kv.value ?? '';
  return { rows, numRows: Number(md.num_rows), rowGroups: md.row_groups.length, keyValue, schema: parquetSchema(md) };
}
