// The core addon's failures carry a code across the boundary (native/src/js_errors.h): a bad file is
// NATIVE_INVALID_FILE, a write the operating system refuses is NATIVE_IO, and a merge whose output
// cannot be written says so in words that point at the disk, not at the model.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeErrorCode, readHeader, runNativeMerge, writeSafetensors } from '../../../main/core/native/safetensors';
import { tempDir } from '../../helpers/tmp';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

const f32 = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);

describe('core addon error codes', () => {
  it('a malformed safetensors header is NATIVE_INVALID_FILE, naming the file', () => {
    const file = join(tempDir(), 'bad.safetensors');
    const header = Buffer.from('{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 99]}}');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(file, Buffer.concat([len, header, Buffer.alloc(8)]));
    const err = caught(() => readHeader(file)) as Error;
    expect(nativeErrorCode(err)).toBe('NATIVE_INVALID_FILE');
    expect(err.message).toContain(file);
  });

  it('a file that cannot be created is NATIVE_IO', () => {
    const err = caught(() => writeSafetensors(join(tempDir(), 'no-such-folder', 'x.safetensors'), [{ name: 'w', dtype: 'F32', shape: [2], data: f32([1, 2]) }])) as Error;
    expect(nativeErrorCode(err)).toBe('NATIVE_IO');
    expect(err.message).toMatch(/cannot create/);
  });

  it('a merge whose output folder is gone fails as an I/O error that points at the disk', async () => {
    const dir = tempDir();
    const base = join(dir, 'base.safetensors');
    const adapter = join(dir, 'adapter.safetensors');
    writeSafetensors(base, [{ name: 'w', dtype: 'F32', shape: [2, 2], data: f32([1, 2, 3, 4]) }]);
    writeSafetensors(adapter, [
      { name: 'a', dtype: 'F32', shape: [1, 2], data: f32([1, 1]) },
      { name: 'b', dtype: 'F32', shape: [2, 1], data: f32([1, 1]) },
    ]);
    const plan = {
      rounding: 'peft' as const,
      shards: [
        {
          path: join(dir, 'gone', 'model.safetensors'),
          tensors: [{ name: 'w', srcFile: base, srcTensor: 'w', outDtype: 'F32' as const, loras: [{ file: adapter, a: 'a', b: 'b', scale: 1 }] }],
        },
      ],
    };
    const err = (await runNativeMerge(plan, () => undefined).then(
      () => null,
      (e: unknown) => e,
    )) as Error & { code?: string };
    expect(err?.code).toBe('io');
    expect(err.message).toMatch(/^writing the merged model failed: .*gone.*cannot create .*check the free space and permissions/);
  });
});
