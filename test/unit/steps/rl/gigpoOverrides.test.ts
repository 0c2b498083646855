// run_gigpo.sh's Hydra overrides against the real config keys of the two trainers it runs: verl-agent's
// verl.trainer.main_ppo and ARLArena's recipe.game_agent.main_game_agent_ablation. verl and Hydra do not run here
// (they need Ray, vLLM and GPUs), so the composed configs' keys were read from their sources and are kept in
// test/fixtures/hydra/*.json with repository, commit and files (provenance inside each file). Hydra refuses an
// override whose key is not in the composed config, so every key the script passes must be in that list.
// The script itself runs in bash with a stand-in python3 that prints its arguments.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gigpoScript } from '../../../../main/core/steps/rl/gigpoScript';
import { verlEnvFor } from '../../../../main/core/steps/rl/verlEnv';
import { GigpoHyperParams } from '../../../../preload/contract/rl';
import { tempDir } from '../../../helpers/tmp';

type KeyList = { provenance: Record<string, unknown>; keys: string[]; launch_values?: { file: string; values: Record<string, string> } };
const fixture = (name: string): KeyList => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'hydra', name), 'utf8'));
const VERL_AGENT = fixture('verl-agent-16989b0.json');
const ARLARENA = fixture('arlarena-feat-VLM-1ff2026.json');

/** run_gigpo.sh run for real (bash), python3 a stand-in: the overrides after `-m ENTRY`, as the trainer gets them. */
function overridesPassed(entry: string | null): string[] {
  const dir = tempDir();
  const model = join(dir, 'merged');
  mkdirSync(model);
  writeFileSync(join(model, 'config.json'), '{}');
  const script = gigpoScript({
    modelPath: model,
    game: 'sokoban',
    env: verlEnvFor('sokoban', { rows: 6, cols: 6, boxes: 1, searchDepth: 30 }),
    hp: GigpoHyperParams.parse({}),
    projectName: 'p',
    experimentName: 'e',
    createdAt: '2026-01-01',
  });
  writeFileSync(join(dir, 'run_gigpo.sh'), script);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'python3'), '#!/usr/bin/env bash\n[[ "$1" == -c ]] && exit 0\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
  const env: Record<string, string> = { ...process.env, PATH: `${bin}:${process.env.PATH}`, RUN_DIR: join(dir, 'run') } as Record<string, string>;
  if (entry) env.ENTRY = entry;
  const r = spawnSync('bash', [join(dir, 'run_gigpo.sh')], { env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const argv = r.stdout
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('run_gigpo.sh:'));
  expect(argv.slice(0, 2)).toEqual(['-m', entry ?? 'verl.trainer.main_ppo']);
  return argv.slice(2).filter((a) => a.includes('='));
}

const keyOf = (o: string) => o.slice(0, o.indexOf('=')).replace(/^\+\+?/, '');
// A plain override must name a key of the config; '++key=' adds it where it is missing.
const refused = (passed: string[], keys: Set<string>) => passed.filter((o) => !o.startsWith('++') && !keys.has(keyOf(o))).map(keyOf);
const valueOf = (o: string) => o.slice(o.indexOf('=') + 1);
// 1e-6 and 0.000001, 1.0 and 1 are the same value to Hydra.
const same = (a: string, b: string) => a === b || (a.trim() !== '' && b.trim() !== '' && Number.isFinite(Number(a)) && Number(a) === Number(b));

describe('run_gigpo.sh overrides', () => {
  it('are all keys of verl-agent’s ppo_trainer.yaml when run with verl.trainer.main_ppo', () => {
    const passed = overridesPassed(null);
    const keys = new Set(VERL_AGENT.keys);
    expect(refused(passed, keys)).toEqual([]);
    expect(passed).toContain('actor_rollout_ref.actor.use_invalid_action_penalty=True');
    expect(VERL_AGENT.provenance.commit).toBe('16989b06f2a304065db47c6dc7a6f9931b95d4e3');
  });

  it('are all keys of ARLArena’s game_.yaml (feat/VLM) when run with its recipe, with ARLArena’s values where it sets them', () => {
    const passed = overridesPassed('recipe.game_agent.main_game_agent_ablation');
    const keys = new Set(ARLARENA.keys);
    expect(refused(passed, keys)).toEqual([]);
    // The values ARLArena's GiGPO launch (train_gigpo_ablation.sh) writes literally, against the studio's defaults;
    // trainer.logger differs on purpose (wandb needs a login on the cluster), and the ARLArena script passes
    // algorithm.gigpo.mode and the batch sizes through shell variables (mean_std_norm, 32/128, 8 per group).
    const theirs = ARLARENA.launch_values!.values;
    const differ = passed.filter((o) => keyOf(o) in theirs && !same(theirs[keyOf(o)]!, valueOf(o))).map((o) => `${o} (ARLArena: ${theirs[keyOf(o)]})`);
    expect(differ).toEqual(["trainer.logger=['console'] (ARLArena: ['console','wandb'])"]);
    for (const o of ["data.truncation='left'", 'use_invalid_action_penalty=True', 'invalid_action_penalty_coef=0.1', 'algorithm.gigpo.mode=mean_std_norm'])
      expect(passed).toContain(o);
    expect(ARLARENA.provenance.commit).toBe('1ff20261a5be54c42dace514df7c3dec9242e69e');
  });
});
