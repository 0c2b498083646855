// LORA_TARGETS (preload/contract/train.ts) is the one list of the projections LoRA trains. TypeScript
// imports it; where a language boundary keeps a copy (the engine's C++ default and the names its check
// accepts, the Python sides of the parity test, the GPU validation and the benchmark), this test reads
// that copy and fails when it disagrees; and no TypeScript file spells the seven names as a list of its own.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LORA_TARGETS } from '../../../preload/contract/train';

const root = join(__dirname, '..', '..', '..');
const read = (rel: string): string => readFileSync(join(root, rel), 'utf8');
const projections = (text: string): string[] => [...text.matchAll(/["']([a-z]+_proj)["']/g)].map((m) => m[1]!);
/** The first capture of `pattern` in the file; a copy that moved or changed shape fails here, by name. */
function copyIn(rel: string, pattern: RegExp): string {
  const m = pattern.exec(read(rel));
  if (!m) throw new Error(`${rel}: the LoRA target list (${pattern}) is not where this test looks; update the test with the file`);
  return m[1]!;
}

describe('LORA_TARGETS is declared once', () => {
  it('the engine (C++) defaults to it and accepts exactly its names', () => {
    expect(projections(copyIn('native/engine/src/lora.h', /std::vector<std::string> targets = \{([^}]*)\}/))).toEqual([...LORA_TARGETS]);
    const accepted = [copyIn('native/engine/src/lora.cc', /const bool attn = ([^;]*);/), copyIn('native/engine/src/lora.cc', /const bool mlp = ([^;]*);/)].flatMap(projections);
    expect(accepted).toEqual([...LORA_TARGETS]);
    expect(copyIn('native/engine/src/lora.cc', /is not a language-model projection \(([^)]*)\)/).split(', ')).toEqual([...LORA_TARGETS]);
  });

  it('the Python sides (parity default, GPU validation, benchmark) hold the same list', () => {
    expect(projections(copyIn('test/python/engine_parity.py', /r\.get\("targets", \[([^\]]*)\]\)/))).toEqual([...LORA_TARGETS]);
    expect(projections(copyIn('test/gpu/hf_side.py', /^TARGETS = \[([^\]]*)\]/m))).toEqual([...LORA_TARGETS]);
    expect(projections(copyIn('test/python/bench_hf.py', /^TARGETS = \[([^\]]*)\]/m))).toEqual([...LORA_TARGETS]);
  });

  it('no TypeScript source but the contract spells the seven names as its own list', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|mjs)$/.test(n) ? [p] : [];
      });
    const seven = new RegExp(LORA_TARGETS.map((t) => `['"]${t}['"]`).join(',\\s*'));
    const spelled = ['main', 'preload', 'renderer/src', 'test/helpers']
      .flatMap((d) => files(join(root, d)))
      .filter((f) => seven.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(spelled).toEqual(['preload/contract/train.ts']);
  });
});
