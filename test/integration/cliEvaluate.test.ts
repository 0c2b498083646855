// `studio evaluate` (the built CLI, out/main/cli.js): a base model folder (registered from the config) and
// the expert on two Blackjack levels with the native engine; one line per policy, the result folder; a
// config without any policy is refused naming the field.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineState } from '../../main/core/native/engine';
import { makeQwen3VLCheckpoint } from '../helpers/checkpoints';
import { tempDir } from '../helpers/tmp';

const bin = join(__dirname, '..', '..', 'main', 'cli', 'bin.mjs');
const studio = (args: string[], home: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, STUDIO_HOME: home }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('studio evaluate', () => {
  (engineState().loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip)(
    'plays the base and the expert from a JSON config and prints a line per policy; no policy is refused',
    () => {
      const home = tempDir();
      const work = tempDir();
      makeQwen3VLCheckpoint(join(work, 'model'), { dtype: 'F32', shards: 1, init: 'realistic' });
      const dir = join(work, 'proj');
      expect(studio(['project', 'create', dir, '--name', 'e'], home).code).toBe(0);
      writeFileSync(
        join(work, 'eval.json'),
        JSON.stringify({ base: 'model', includeExpert: true, game: 'blackjack', settings: { maxTurns: 2 }, levels: 2, maxTokens: 4, concurrency: 2 }),
      );
      const r = studio(['evaluate', '--project', dir, '--config', join(work, 'eval.json')], home);
      expect(r.err).toContain('100% succeeded');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^levels: no checkpoints/m);
      expect(r.out).toMatch(/^ {2}expert: success \d+\.\d % \(95 % CI [\d.]+–[\d.]+\), return -?[\d.]+, invalid 0\.0 %, format-valid 100\.0 %, [\d.]+ turns$/m);
      expect(r.out).toMatch(/^\* model \(base\): success \d+\.\d % .* [\d.]+ tokens\/s$/m);
      const folder = /^evaluation \S+: (.*)$/m.exec(r.out)![1]!;
      expect(existsSync(join(folder, 'result.json'))).toBe(true);
      writeFileSync(join(work, 'none.json'), JSON.stringify({ base: 'model', includeBase: false }));
      const bad = studio(['evaluate', '--project', dir, '--config', join(work, 'none.json')], home);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/none.json: checkpoints: choose at least one checkpoint, the base or the expert/);
    },
    180_000,
  );
});
