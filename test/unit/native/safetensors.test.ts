import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHeader, readTensor, writeSafetensors } from '../../../main/core/native/safetensors';
import { rng } from '../../helpers/checkpoints';
import { tempDir } from '../../helpers/tmp';

/** A file with the given header JSON and data bytes, exactly as the format lays it out. */
function rawFile(dir: string, name: string, header: string, data: Buffer, lenOverride?: bigint): string {
  const h = Buffer.from(header, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lenOverride ?? BigInt(h.length));
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat([len, h, data]));
  return p;
}

describe('safetensors engine', () => {
  it('writes and reads back tensors, metadata and an 8-byte aligned data section', () => {
    const dir = tempDir();
    const a = Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const b = Buffer.from(new Uint16Array([0x3f80, 0x4000]).buffer);
    const p = join(dir, 'x.safetensors');
    writeSafetensors(
      p,
      [
        { name: 'a', dtype: 'F32', shape: [2, 3], data: a },
        { name: 'b.weight', dtype: 'BF16', shape: [2], data: b },
      ],
      { format: 'pt' },
    );
    const h = readHeader(p);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(h.tensors).toEqual([
      { name: 'a', dtype: 'F32', shape: [2, 3], byteLength: 24 },
      { name: 'b.weight', dtype: 'BF16', shape: [2], byteLength: 4 },
    ]);
    expect(readTensor(p, 'a').data.equals(a)).toBe(true);
    expect(readTensor(p, 'b.weight').data.equals(b)).toBe(true);
    const raw = readFileSync(p);
    expect((8 + Number(raw.readBigUInt64LE(0))) % 8).toBe(0);
    // The header is plain JSON any reader can parse.
    const json = JSON.parse(raw.subarray(8, 8 + Number(raw.readBigUInt64LE(0))).toString());
    expect(json.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(() => readTensor(p, 'nope')).toThrow(`${p}: no tensor 'nope'`);
  });

  it('refuses a data buffer that does not match shape × dtype, writing nothing', () => {
    const dir = tempDir();
    expect(() => writeSafetensors(join(dir, 'y.safetensors'), [{ name: 'a', dtype: 'F32', shape: [3], data: Buffer.alloc(8) }])).toThrow(
      /a: data has 8 bytes, shape × dtype needs 12/,
    );
  });

  const cases: [string, () => [string, Buffer, bigint?], RegExp][] = [
    ['not JSON', () => ['{"a": ', Buffer.alloc(0)], /header is not valid JSON/],
    ['not an object', () => ['[1,2]', Buffer.alloc(0)], /header must be a JSON object/],
    ['unknown dtype', () => ['{"a":{"dtype":"F12","shape":[1],"data_offsets":[0,4]}}', Buffer.alloc(4)], /tensor 'a' has an unknown dtype F12/],
    ['offsets past the end', () => ['{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', Buffer.alloc(4)], /run past the end of the file/],
    ['end before begin', () => ['{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}', Buffer.alloc(4)], /end before they begin/],
    ['bytes ≠ shape × dtype', () => ['{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', Buffer.alloc(8)], /8 bytes do not match shape × F32/],
    ['overlap', () => ['{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', Buffer.alloc(12)], /overlaps/],
    ['hole', () => ['{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}', Buffer.alloc(12)], /belong to no tensor/],
    ['negative dim', () => ['{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', Buffer.alloc(4)], /non-negative integers/],
    ['huge shape', () => ['{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}', Buffer.alloc(4)], /absurdly large|do not match/],
    ['absurd header length', () => ['{}', Buffer.alloc(0), 1n << 40n], /header length \d+ is absurd/],
    ['header past EOF', () => ['{}', Buffer.alloc(0), 1000n], /runs past the end of the file/],
    ['deep nesting', () => ['{"__metadata__":' + '{"a":'.repeat(40) + '1' + '}'.repeat(41), Buffer.alloc(0)], /nested too deeply/],
    ['duplicate key', () => ['{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', Buffer.alloc(4)], /duplicate key/],
  ];
  for (const [name, make, re] of cases) {
    it(`rejects a hostile header: ${name}`, () => {
      const [h, data, len] = make();
      const p = rawFile(tempDir(), 'bad.safetensors', h, data, len);
      expect(() => readHeader(p)).toThrow(re);
      try {
        readHeader(p);
      } catch (e) {
        expect((e as Error).message.startsWith(p)).toBe(true); // names the file
      }
    });
  }

  it('rejects a file too small to hold a header', () => {
    const p = join(tempDir(), 'tiny.safetensors');
    writeFileSync(p, Buffer.alloc(5));
    expect(() => readHeader(p)).toThrow(/too small to be a safetensors file \(5 bytes\)/);
  });

  it('survives random corruption of a valid file (fuzz): parses or throws, never crashes', () => {
    const dir = tempDir();
    const p = join(dir, 'ok.safetensors');
    writeSafetensors(
      p,
      [
        { name: 'w', dtype: 'BF16', shape: [4, 4], data: Buffer.alloc(32, 1) },
        { name: 'b', dtype: 'F32', shape: [4], data: Buffer.alloc(16, 2) },
      ],
      { format: 'pt' },
    );
    const good = readFileSync(p);
    const rand = rng(99);
    let parsed = 0;
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const buf = Buffer.from(good);
      const flips = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < flips; k++) buf[Math.floor(rand() * Math.min(buf.length, 8 + 200))] = Math.floor(rand() * 256);
      const f = join(dir, `f${i}.safetensors`);
      writeFileSync(f, rand() < 0.2 ? buf.subarray(0, Math.floor(rand() * buf.length)) : buf);
      try {
        readHeader(f);
        parsed++;
      } catch (e) {
        expect((e as Error).message).toContain(f);
        refused++;
      }
    }
    expect(parsed + refused).toBe(400);
    expect(refused).toBeGreaterThan(100);
  });
});
