// Outputs appear under their final name only when complete (util/atomicWrite.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFolder, buildFolderSync, writeFileInPieces } from '../../../main/core/util/atomicWrite';
import { tempDir } from '../../helpers/tmp';

describe('atomic writes', () => {
  it('a folder appears whole when its fill succeeds, and not at all (no partial either) when it fails', async () => {
    const root = tempDir();
    const dir = join(root, 'out');
    let seenDuringFill = true;
    await buildFolder(dir, async (tmp) => {
      writeFileSync(join(tmp, 'a.txt'), 'a');
      seenDuringFill = existsSync(dir);
    });
    expect(seenDuringFill).toBe(false);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a');
    const other = join(root, 'failed');
    await expect(buildFolder(other, async (tmp) => (writeFileSync(join(tmp, 'half'), 'x'), Promise.reject(new Error('disk on fire'))))).rejects.toThrow('disk on fire');
    expect(readdirSync(root).sort()).toEqual(['out']);
  });

  it('replace swaps an older folder out only once the new one is complete; a failed replace keeps the old', async () => {
    const dir = join(tempDir(), 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'old.txt'), 'old');
    expect(() =>
      buildFolderSync(
        dir,
        () => {
          throw new Error('no');
        },
        { replace: true },
      ),
    ).toThrow('no');
    expect(readdirSync(dir)).toEqual(['old.txt']);
    buildFolderSync(dir, (tmp) => writeFileSync(join(tmp, 'new.txt'), 'new'), { replace: true });
    expect(readdirSync(dir)).toEqual(['new.txt']);
    expect(readdirSync(join(dir, '..'))).toEqual(['out']);
  });

  it('a file written in pieces appears only when complete, and a failure leaves neither it nor its partial', () => {
    const root = tempDir();
    const file = join(root, 'x.jsonl');
    expect(writeFileInPieces(file, (write) => (write('1\n'), write('2\n'), 2))).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('1\n2\n');
    const bad = join(root, 'y.jsonl');
    expect(() =>
      writeFileInPieces(bad, (write) => {
        write('1\n');
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(readdirSync(root)).toEqual(['x.jsonl']);
  });
});
