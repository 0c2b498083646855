// adapter_config.json regexes come from whoever made the adapter: they must
// match as PEFT matches them, and a pathological one must fail fast, not hang.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTargeted, rankAndAlpha, readAdapterConfig } from '../../../../main/core/steps/merge/adapterConfig';
import { mergeModel } from '../../../../main/core/steps/merge/mergeModel';
import { RegexError, safeRegexTest } from '../../../../main/core/util/safeRegex';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { runPython } from '../../../helpers/python';
import { tempDir } from '../../../helpers/tmp';

const MODULES = [
  'base_model.model.model.language_model.layers.0.self_attn.q_proj',
  'base_model.model.model.language_model.layers.0.self_attn.k_proj',
  'base_model.model.model.language_model.layers.11.mlp.down_proj',
  'base_model.model.model.visual.blocks.0.attn.qkv',
  'base_model.model.model.visual.blocks.3.mlp.linear_fc1',
  'base_model.model.lm_head',
  'model.language_model.layers.2.self_attn.o_proj',
  'q_proj',
];

function writeConfig(cfg: Record<string, unknown>): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 8, lora_alpha: 16, ...cfg }));
  return dir;
}

describe('adapter_config regexes', () => {
  it('match as PEFT matches them (fullmatch for target_modules, dotted suffix for rank_pattern), lookaheads included', async () => {
    const cases = [
      { target_modules: '^(?!.*visual).*\\.(q_proj|k_proj|o_proj|down_proj)$', rank_pattern: { 'layers\\.0\\.self_attn\\.q_proj': 4, down_proj: 2 } },
      { target_modules: '.*language_model.*\\.(q|k)_proj', rank_pattern: { 'self_attn\\.\\w_proj': 16 } },
      { target_modules: '(?P<m>q_proj)|lm_head', rank_pattern: {} },
    ];
    const peft = await runPython<{ targeted: boolean[]; rank: number[] }[]>('regex_peft.py', { cases, names: MODULES }, { timeoutMs: 150_000 });
    cases.forEach((c, i) => {
      const cfg = readAdapterConfig(writeConfig(c));
      expect(
        MODULES.map((m) => isTargeted(cfg, m)),
        c.target_modules,
      ).toEqual(peft.result[i]!.targeted);
      expect(
        MODULES.map((m) => rankAndAlpha(cfg, m).r),
        c.target_modules,
      ).toEqual(peft.result[i]!.rank);
    });
    // Not vacuous: each pattern selects some modules and leaves others.
    expect(peft.result.every((r) => r.targeted.includes(true) && r.targeted.includes(false))).toBe(true);
  }, 180_000);

  it('a catastrophically backtracking pattern fails within its deadline, and the evaluator keeps working after', () => {
    const victim = 'a'.repeat(40); // (\w+\.?)+X on 40 word characters: ~2^40 steps
    const t0 = Date.now();
    expect(() => safeRegexTest('^(?:(\\w+\\.?)+X)$', [victim], { timeoutMs: 300 })).toThrow(RegexError);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(safeRegexTest('^a+$', [victim, 'b'])).toEqual([true, false]);
    expect(() => safeRegexTest('(', ['x'])).toThrow(/not a valid regular expression/);
    expect(() => safeRegexTest('x'.repeat(5000), ['x'])).toThrow(/limit 4096/);
    expect(() => safeRegexTest('x', ['y'.repeat(2000)])).toThrow(/limit 1024/);
  });

  it('a merge whose target_modules regex backtracks forever is refused in seconds, naming the file and field', async () => {
    const root = tempDir();
    const base = join(root, 'base');
    const adapter = join(root, 'adapter');
    const specs = makeQwen3VLCheckpoint(base, { dtype: 'BF16', shards: 1 });
    makeLoraAdapter(adapter, specs, { r: 8, alpha: 16 });
    const cfgFile = join(adapter, 'adapter_config.json');
    writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(readFileSync(cfgFile, 'utf8')), target_modules: '(\\w+\\.?)+X' }));
    const t0 = Date.now();
    await expect(mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(root, 'out') })).rejects.toThrow(
      /adapter_config\.json: target_modules: the pattern took longer than/,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
