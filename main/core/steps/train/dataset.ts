// Reads a converted TRL-layout Parquet file (messages + images) one sample at
// a time, a row group at a time (the last two are cached), so a training run
// holds a few row groups in memory, not the dataset.
import type { ChatMessage } from '../../model/chat';

export interface TrainSample {
  messages: ChatMessage[];
  images: Buffer[];
}

type Hyparquet = typeof import('hyparquet');
type Row = { messages?: unknown; images?: unknown };

export class ParquetSamples {
  private cache = new Map<number, TrainSample[]>();

  private constructor(
    readonly file: string,
    private readonly hp: Hyparquet,
    private readonly buffer: Awaited<ReturnType<Hyparquet['asyncBufferFromUrl']>>,
    private readonly metadata: Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>,
    private readonly groupStarts: number[],
    readonly length: number,
  ) {}

  static async open(file: string): Promise<ParquetSamples> {
    // hyparquet is an ES module; the core bundle is CommonJS, hence the dynamic import.
    const hp = (await import('hyparquet')) as Hyparquet;
    const buffer = await hp.asyncBufferFromFile(file);
    let metadata;
    try {
      metadata = await hp.parquetMetadataAsync(buffer);
    } catch (err) {
      throw new Error(`${file}: not a readable Parquet file (${(err as Error).message})`);
    }
    const names = new Set(metadata.schema.map((s) => s.name));
    for (const col of ['messages', 'images']) if (!names.has(col)) throw new Error(`${file}: column "${col}" is missing; train on a dataset converted with the TRL target`);
    const starts: number[] = [];
    let n = 0;
    for (const g of metadata.row_groups) {
      starts.push(n);
      n += Number(g.num_rows);
    }
    return new ParquetSamples(file, hp, buffer, metadata, starts, n);
  }

  async get(index: number): Promise<TrainSample> {
    if (index < 0 || index >= this.length) throw new Error(`${this.file}: row ${index} is out of range (${this.length} rows)`);
    let g = this.groupStarts.length - 1;
    while (this.groupStarts[g]! > index) g--;
    let rows = this.cache.get(g);
    if (!rows) {
      const start = this.groupStarts[g]!;
      const end = start + Number(this.metadata.row_groups[g]!.num_rows);
      const raw = (await this.hp.parquetReadObjects({
        file: this.buffer,
        metadata: this.metadata,
        rowStart: start,
        rowEnd: end,
        columns: ['messages', 'images'],
        utf8: false,
      })) as Row[];
      rows = raw.map((r, k) => toSample(r, `${this.file} row ${start + k}`));
      this.cache.set(g, rows);
      if (this.cache.size > 2) this.cache.delete(this.cache.keys().next().value!);
    }
    return rows[index - this.groupStarts[g]!]!;
  }
}

function toSample(r: Row, where: string): TrainSample {
  if (!Array.isArray(r.messages)) throw new Error(`${where}: messages is not a list`);
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('utf8'));
  const messages = r.messages.map((m: { role?: unknown; content?: unknown }, i): ChatMessage => {
    const role = text(m.role);
    if (role !== 'user' && role !== 'assistant' && role !== 'system') throw new Error(`${where}: messages[${i}].role is ${JSON.stringify(role)}`);
    if (!Array.isArray(m.content)) throw new Error(`${where}: messages[${i}].content is not a list of parts`);
    return { role, content: m.content.map((p: { type?: unknown; text?: unknown }) => ({ type: text(p.type) === 'image' ? 'image' : 'text', text: text(p.text) })) };
  });
  const images = Array.isArray(r.images)
    ? r.images.map((im: { bytes?: Uint8Array }, i) => {
        if (!im?.bytes) throw new Error(`${where}: images[${i}] has no bytes`);
        return Buffer.from(im.bytes);
      })
    : [];
  return { messages, images };
}
