// The GPU validation's generate phase (test/gpu/validate.py phase_generate), run here on the CPU so it
// cannot rot before a GPU is lent: studio_engine_run generate (the engine policy's greedy K/V-cache
// generation) against transformers' generate on the reference fixture's prompt, base and with its
// trained adapter, fp32 and bf16. Each engine token must be transformers' best at that step over the
// engine's prefix (within 1e-4 of max |logit|); on this fixture the tokens are also all equal.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testPython } from '../../../helpers/python';
import { tempDir } from '../../../helpers/tmp';

const root = join(__dirname, '..', '..', '..', '..');
const runner = process.env.STUDIO_ENGINE_RUN || join(root, 'native', 'engine', 'build', 'Release', 'studio_engine_run');
const run = existsSync(runner) || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;

const DRIVER = `
import json, sys, types
import validate as v
a = types.SimpleNamespace(device="cpu", gen_tokens=24)
s = v.Summary()
v.phase_generate(a, v.Phases([("generate", 400)], 400), s, sys.argv[1], sys.argv[2], sys.argv[2])
print(json.dumps(s.checks))
`;

describe('studio_engine_run generate against transformers (the GPU validation phase, on the CPU)', () => {
  run(
    'greedy tokens equal transformers’ generate, base and adapter, fp32 and bf16',
    () => {
      const work = tempDir('runner-generate-');
      {
        const p = spawnSync(testPython(), ['-c', DRIVER, runner, work], {
          cwd: join(root, 'test', 'gpu'),
          encoding: 'utf8',
          timeout: 300_000,
          env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
        });
        expect(p.status, p.stderr).toBe(0);
        const checks = JSON.parse(p.stdout.trim().split('\n').at(-1)!) as { check: string; measured: string; result: string }[];
        expect(checks).toHaveLength(4);
        for (const c of checks) {
          expect(c.result, c.check).toBe('ok');
          expect(c.check).toContain('24 greedy tokens');
          expect(c.check).toContain('(24 equal to transformers');
        }
      }
    },
    320_000,
  );
});
