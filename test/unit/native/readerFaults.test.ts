// The native safetensors reader against hostile inputs: files that shrink while
// mapped (SIGBUS before), FIFOs (blocked forever before), huge and malformed headers.
import { execFileSync } from 'node:child_process';
import { existsSync, openSync, closeSync, ftruncateSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHeader, runNativeMerge, type NativeMergePlan } from '../../../main/core/native/safetensors';
import { mergeModel } from '../../../main/core/steps/merge/mergeModel';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../../helpers/checkpoints';
import { runPython } from '../../helpers/python';
import { tempDir } from '../../helpers/tmp';

/** A safetensors file from a raw header text (bytes as given) and a data section. */
function rawFile(path: string, header: Buffer | string, data: Buffer = Buffer.alloc(0)): string {
  const h = Buffer.isBuffer(header) ? header : Buffer.from(header, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  writeFileSync(path, Buffer.concat([len, h, data]));
  return path;
}

describe('safetensors reader under faults', () => {
  it('refuses a FIFO (or a folder) named as a shard at once instead of blocking', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'model.safetensors');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(() => readHeader(fifo)).toThrow(/is a FIFO \(named pipe\), not a regular file/);
    expect(() => readHeader(dir)).toThrow(/is a folder, not a regular file/);
    expect(Date.now() - t0).toBeLessThan(1000);
    // Through the merge: a base whose shard is a FIFO.
    const base = join(dir, 'base');
    const adapter = join(dir, 'adapter');
    const specs = makeQwen3VLCheckpoint(base, { dtype: 'BF16', shards: 1 });
    makeLoraAdapter(adapter, specs, { r: 8, alpha: 16 });
    const shard = readdirSync(base).find((f) => f.endsWith('.safetensors'))!;
    execFileSync('rm', [join(base, shard)]);
    execFileSync('mkfifo', [join(base, shard)]);
    await expect(mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(dir, 'out') })).rejects.toThrow(/FIFO/);
  });

  it('a base shard truncated during a merge fails the merge with an error naming the file, not SIGBUS, and leaves no output', async () => {
    const dir = tempDir();
    // 768 MB of F32 zeros as a sparse file (no disk used), converted to BF16: long enough to truncate mid-way.
    const src = join(dir, 'base.safetensors');
    const rows = 49152,
      cols = 4096;
    const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [rows, cols], data_offsets: [0, rows * cols * 4] } }));
    rawFile(src, header);
    const fd = openSync(src, 'r+');
    ftruncateSync(fd, 8 + header.length + rows * cols * 4);
    closeSync(fd);
    const out = join(dir, 'out.safetensors');
    const plan: NativeMergePlan = { rounding: 'peft', io: 'buffered', shards: [{ path: out, tensors: [{ name: 'w', srcFile: src, srcTensor: 'w', outDtype: 'BF16' }] }] };
    let truncated = false;
    const run = runNativeMerge(plan, () => {
      if (truncated) return;
      truncated = true;
      const t = openSync(src, 'r+');
      ftruncateSync(t, 8 + header.length + 4096); // the data now ends after one page
      closeSync(t);
    });
    await expect(run).rejects.toThrow(/base\.safetensors: the file shrank while it was being read/);
    expect(truncated).toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['base.safetensors']);
  });

  it('bounds header size: over 16 MB refused from its length, a 16 MB header refused by entry count within bounded time and memory', () => {
    const dir = tempDir();
    const len = Buffer.alloc(16);
    len.writeBigUInt64LE(60n * 1024n * 1024n);
    writeFileSync(join(dir, 'huge.safetensors'), len);
    expect(() => readHeader(join(dir, 'huge.safetensors'))).toThrow(/header length 62914560 is absurd \(limit 16777216\)/);
    // 16 MB of one-byte tensors: ~140k entries, over the 65,536 limit.
    const h: Record<string, unknown> = {};
    let n = 0;
    for (let size = 0; size < 16 * 1024 * 1024 - 200; n++) {
      const name = `model.language_model.layers.${n}.self_attn.q_proj.weight`;
      h[name] = { dtype: 'U8', shape: [1], data_offsets: [n, n + 1] };
      size += name.length + 60;
    }
    const file = rawFile(join(dir, 'many.safetensors'), JSON.stringify(h), Buffer.alloc(n));
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    expect(() => readHeader(file)).toThrow(/entries \(limit 65536\)/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(600 * 1024 * 1024);
  });

  it('refuses the malformed headers the reference library refuses (invalid UTF-8, leading zeros, lone surrogates) and accepts the valid ones', async () => {
    const dir = tempDir();
    const t = (name: string, offs = '[0,4]', shape = '[1]'): string => `{${name}:{"dtype":"F32","shape":${shape},"data_offsets":${offs}}}`;
    const bad: Record<string, Buffer> = {
      invalidUtf8: Buffer.concat([Buffer.from('{"w\xff'.slice(0, 2)), Buffer.from([0xff, 0xfe]), Buffer.from('":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')]),
      overlongUtf8: Buffer.concat([Buffer.from('{"'), Buffer.from([0xc0, 0xaf]), Buffer.from('":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')]),
      encodedSurrogate: Buffer.concat([Buffer.from('{"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')]),
      leadingZeroOffset: Buffer.from(t('"w"', '[0,04]')),
      leadingZeroShape: Buffer.from(t('"w"', '[0,4]', '[01]')),
      loneSurrogateEscape: Buffer.from(t('"w\\udc00"')),
      bareDecimalPoint: Buffer.from(t('"w"', '[0,4]', '[1.]')),
    };
    const good: Record<string, Buffer> = {
      plain: Buffer.from(t('"w"')),
      utf8Name: Buffer.from(t('"wé→😀"')),
      escapedName: Buffer.from(t('"w\\u00e9\\ud83d\\ude00"')),
    };
    const files = [...Object.keys(bad), ...Object.keys(good)].map((k) => rawFile(join(dir, `${k}.safetensors`), bad[k] ?? good[k]!, Buffer.alloc(4)));
    const ref = await runPython<{ ok: boolean; keys: string[] | null }[]>('safetensors_accepts.py', { files });
    files.forEach((file, i) => {
      const key = Object.keys(bad)[i] ?? Object.keys(good)[i - Object.keys(bad).length]!;
      let ours: { ok: boolean; keys: string[] | null };
      try {
        ours = {
          ok: true,
          keys: readHeader(file)
            .tensors.map((x) => x.name)
            .sort(),
        };
      } catch (err) {
        expect((err as Error).message, key).toContain(file);
        ours = { ok: false, keys: null };
      }
      expect(ours, key).toEqual({ ok: ref.result[i]!.ok, keys: ref.result[i]!.keys });
      expect(ours.ok, key).toBe(key in good);
    });
  });

  it('fuzz: 300 mutated headers are each parsed or refused with an error, within bounded time', () => {
    const dir = tempDir();
    const header = Buffer.from(
      JSON.stringify({
        __metadata__: { format: 'pt' },
        'a.weight': { dtype: 'BF16', shape: [2, 3], data_offsets: [0, 12] },
        'b.bias': { dtype: 'F32', shape: [3], data_offsets: [12, 24] },
      }),
    );
    let s = 7;
    const r = (): number => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const t0 = Date.now();
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const h = Buffer.from(header);
      for (let k = 0, m = 1 + Math.floor(r() * 4); k < m; k++) h[Math.floor(r() * h.length)] = Math.floor(r() * 256);
      const file = rawFile(join(dir, `f${i}.safetensors`), h, Buffer.alloc(24));
      try {
        const got = readHeader(file);
        expect(got.tensors.reduce((a, x) => a + x.byteLength, 0)).toBe(24);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message).toContain(file);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
