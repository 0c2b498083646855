// The safetensors writer stages its bytes in aligned buffers and writes them with
// direct I/O where the filesystem takes it, else through the page cache. Both paths
// must give the same file, byte for byte, whatever the tensor sizes.
import { closeSync, constants, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHeader, readTensor, writeSafetensors, type DType } from '../../../../main/core/native/safetensors';
import { mergeModel } from '../../../../main/core/steps/merge/mergeModel';
import { TINY, makeLoraAdapter, makeQwen3VLCheckpoint, rng } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';

/** Whether this folder's filesystem opens files with O_DIRECT (what the writer tries first). */
function takesDirectIo(dir: string): boolean {
  if (process.platform !== 'linux' || !constants.O_DIRECT) return false;
  const probe = join(dir, 'probe');
  try {
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { force: true });
  }
}

function randomBytes(n: number, seed: number): Buffer {
  const r = rng(seed);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

describe('staged safetensors writes', () => {
  // Sizes around the 4 KiB block and across the 32 MiB staging buffers (one tensor larger than a buffer).
  const sizes: [DType, number][] = [
    ['U8', 5],
    ['U8', 4091],
    ['F32', 1024],
    ['BF16', 40 << 19],
    ['U8', 1],
    ['F16', 3 << 19],
    ['U8', 4096 * 3 + 7],
  ];
  const tensors = sizes.map(([dtype, numel], i) => {
    const bytes = numel * (dtype === 'F32' ? 4 : dtype === 'U8' ? 1 : 2);
    return { name: `t${i}`, dtype, shape: [numel], data: randomBytes(bytes, 100 + i) };
  });

  it('gives the same exact-size file with direct I/O and through the page cache', () => {
    const dir = tempDir();
    const direct = join(dir, 'direct.safetensors');
    const buffered = join(dir, 'buffered.safetensors');
    const d = writeSafetensors(direct, tensors, { format: 'pt' });
    const b = writeSafetensors(buffered, tensors, { format: 'pt' }, { io: 'buffered' });
    expect(d.directIo).toBe(takesDirectIo(dir));
    expect(b.directIo).toBe(false);
    const raw = readFileSync(direct);
    expect(raw.equals(readFileSync(buffered))).toBe(true);
    // No padding from the last direct block survives: the size is header + data, exactly.
    const header = 8 + Number(raw.readBigUInt64LE(0));
    expect(statSync(direct).size).toBe(header + tensors.reduce((a, t) => a + t.data.length, 0));
    expect(readHeader(direct).tensors.map((t) => t.byteLength)).toEqual(tensors.map((t) => t.data.length));
    for (const t of tensors) expect(readTensor(direct, t.name).data.equals(t.data), t.name).toBe(true);
  });

  it('leaves no temporary file when the input is refused', () => {
    const dir = tempDir();
    expect(() => writeSafetensors(join(dir, 'x.safetensors'), [{ name: 'a', dtype: 'F32', shape: [3], data: Buffer.alloc(8) }])).toThrow(/a: data has 8 bytes/);
    expect(() => statSync(join(dir, 'x.safetensors.partial'))).toThrow();
  });

  it('merges to the same shards, bit for bit, with direct I/O and through the page cache', async () => {
    const root = tempDir();
    const base = join(root, 'base');
    const adapter = join(root, 'adapter');
    // Merged projections of 8 MB each: the merge fills reserved blocks across staging buffers.
    const dims = { ...TINY, hidden: 1024, intermediate: 4096, layers: 2, heads: 8, kvHeads: 4, headDim: 128, vocab: 2048 };
    const specs = makeQwen3VLCheckpoint(base, { dtype: 'BF16', shards: 2, dims });
    makeLoraAdapter(adapter, specs, { r: 8, alpha: 16 });
    const a = await mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(root, 'direct'), threads: 2 });
    const b = await mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(root, 'buffered'), threads: 2, io: 'buffered' });
    expect(a.directIo).toBe(takesDirectIo(root));
    expect(b.directIo).toBe(false);
    expect(a.shards).toEqual(b.shards);
    for (const s of a.shards) expect(readFileSync(join(root, 'direct', s)).equals(readFileSync(join(root, 'buffered', s))), s).toBe(true);
    expect(a.shards.reduce((n, s) => n + statSync(join(root, 'direct', s)).size, 0)).toBeGreaterThan(64 << 20);
  });
});
