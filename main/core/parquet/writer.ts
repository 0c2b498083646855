// Streaming Parquet writer: rows are built as Arrow record batches with
// apache-arrow and encoded by parquet-wasm (Rust arrow-rs: nested list<struct>
// and binary columns are written as the Parquet spec says). Each batch becomes
// a row group and is flushed to disk before the next is taken, so memory holds
// one row group, not the dataset. Output goes to `<file>.partial` and is
// renamed into place only by close(); abort() removes it.
import { createWriteStream, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm/node';

export interface ParquetWriterOptions {
  /** Rows per row group (and per write() call at most). */
  rowGroupRows?: number;
  /** Written as Parquet key/value metadata (besides the Arrow schema's own). */
  keyValueMetadata?: Record<string, string>;
}

type Row = Record<string, unknown>;

export class ParquetFileWriter {
  private readonly tmp: string;
  private pending: ((v: pq.RecordBatch | null) => void) | null = null;
  private queue: { batch: pq.RecordBatch | null; taken: () => void }[] = [];
  private done: Promise<void> | null = null;
  private readonly props: pq.WriterProperties;
  private failure: Error | null = null;
  private closed = false;
  rows = 0;

  constructor(
    readonly file: string,
    readonly schema: arrow.Schema,
    options: ParquetWriterOptions = {},
  ) {
    this.tmp = `${file}.partial`;
    const rowGroupRows = options.rowGroupRows ?? 256;
    let props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.SNAPPY).setMaxRowGroupSize(rowGroupRows).setCreatedBy('vlm-sft-studio');
    if (options.keyValueMetadata) props = props.setKeyValueMetadata(new Map(Object.entries(options.keyValueMetadata)));
    this.props = props.build();
  }

  // The encoder starts with the first batch: it takes the schema from it,
  // and a file with no rows is written in one go by close() instead.
  private start(): void {
    const source = new ReadableStream<pq.RecordBatch>(
      {
        pull: async (controller) => {
          const next = await this.take();
          if (next === null) controller.close();
          else controller.enqueue(next);
        },
      },
      { highWaterMark: 0 },
    );
    const out = Writable.toWeb(createWriteStream(this.tmp)) as WritableStream<Uint8Array>;
    this.done = pq
      .transformParquetStream(source, this.props)
      .then((bytes) => bytes.pipeTo(out))
      .catch((err: unknown) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
        for (const q of this.queue.splice(0)) q.taken();
      });
  }

  /** Appends rows (objects keyed by column name) as one record batch; resolves when the encoder took it. */
  async write(rows: Row[]): Promise<void> {
    if (this.closed) throw new Error(`${this.file}: write after close`);
    if (this.failure) throw this.failure;
    if (!rows.length) return;
    const columns: Record<string, arrow.Vector> = {};
    for (const f of this.schema.fields)
      columns[f.name] = arrow.vectorFromArray(
        rows.map((r) => r[f.name]),
        f.type,
      );
    const table = new arrow.Table(this.schema, columns);
    const wasm = pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
    if (!this.done) this.start();
    const batches = wasm.recordBatches();
    wasm.free(); // the batches hold their own references; wasm memory is not garbage-collected
    for (const batch of batches) await this.give(batch);
    this.rows += rows.length;
  }

  /** Finishes the footer and renames the file into place; returns its size. */
  async close(): Promise<{ rows: number; bytes: number }> {
    if (!this.done) {
      this.closed = true;
      const empty = pq.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(this.schema), 'stream'));
      writeFileSync(this.tmp, pq.writeParquet(empty, this.props));
      renameSync(this.tmp, this.file);
      return { rows: 0, bytes: statSync(this.file).size };
    }
    if (!this.closed) {
      this.closed = true;
      this.give(null).catch(() => undefined);
    }
    await this.done;
    if (this.failure) {
      rmSync(this.tmp, { force: true });
      throw new Error(`${this.file}: Parquet encoding failed: ${this.failure.message}`);
    }
    renameSync(this.tmp, this.file);
    return { rows: this.rows, bytes: statSync(this.file).size };
  }

  /** Stops and removes the partial file; nothing is left behind. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.failure ??= new Error('aborted');
      if (this.done) this.give(null).catch(() => undefined);
    }
    await this.done?.catch(() => undefined);
    rmSync(this.tmp, { force: true });
  }

  // One-slot hand-off between write() and the encoder's pull(): a writer
  // waits until its batch is taken, so at most one batch waits in memory.
  private give(batch: pq.RecordBatch | null): Promise<void> {
    if (this.pending) {
      const take = this.pending;
      this.pending = null;
      take(batch);
      return Promise.resolve();
    }
    if (this.failure && batch !== null) return Promise.resolve();
    return new Promise<void>((resolve) => this.queue.push({ batch, taken: resolve }));
  }

  private take(): Promise<pq.RecordBatch | null> {
    const next = this.queue.shift();
    if (next) {
      next.taken();
      return Promise.resolve(next.batch);
    }
    return new Promise((resolve) => (this.pending = resolve));
  }
}

/** Writes all rows in row groups of `rowGroupRows`; a convenience for small tables. */
export async function writeParquetFile(file: string, schema: arrow.Schema, rows: Row[], options: ParquetWriterOptions = {}): Promise<{ rows: number; bytes: number }> {
  const w = new ParquetFileWriter(file, schema, options);
  const n = options.rowGroupRows ?? 256;
  try {
    for (let i = 0; i < rows.length; i += n) await w.write(rows.slice(i, i + n));
    return await w.close();
  } catch (err) {
    await w.abort();
    throw err;
  }
}
