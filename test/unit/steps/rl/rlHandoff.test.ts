// The RL handoff: a merged model → a verl-agent GiGPO launch folder, through
// the real job runner; and running that folder with a stand-in python3.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAME_IDS } from '../../../../preload/contract/games';
import { RL_GAMES, RlHandoffConfig } from '../../../../preload/contract/rl';
import { Studio } from '../../../../main/core/studio';
import { makeRlLaunchJob } from '../../../../main/core/steps/rl/launchJob';
import { parseStepLine } from '../../../../main/core/steps/rl/rewardLog';
import { rlHandoffJob } from '../../../../main/core/steps/rl/rlJob';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { readParquet } from '../../../helpers/parquet';
import { tempDir } from '../../../helpers/tmp';
import { isRunning } from '../../../helpers/childProcess';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function projectWithMerged(pythonBin?: string) {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  const root = tempDir();
  studio.createProject(join(root, 'project'), 'rl');
  // A space and a quote in the path: the script must carry it intact.
  const modelDir = join(root, "merged model's folder");
  makeQwen3VLCheckpoint(modelDir, { shards: 1 });
  const { runner, project } = studio.requireProject();
  runner.register(rlHandoffJob);
  const env = pythonBin ? { PATH: `${pythonBin}:${process.env.PATH}` } : undefined;
  runner.register(makeRlLaunchJob({ env, killAfterMs: 500 }));
  runner.start('artifact.import', { path: modelDir, kind: 'merged-model', mode: 'reference', name: 'sokoban-merged' });
  await runner.idle();
  const merged = project.store.listArtifacts(['merged-model'])[0]!;
  return { studio, runner, project, root, modelDir, merged };
}

/** A python3 that "has" verl: records the trainer's arguments and prints verl-style step lines. */
function standInPython(dir: string, behaviour: 'train' | 'hang' | 'no-verl'): string {
  mkdirSync(dir, { recursive: true });
  const body = {
    train:
      'printf "%s\\n" "$@" > "$RUN_DIR/args.txt"\necho "step:1 - actor/pg_loss:0.5 - critic/score/mean:0.25 - episode/success_rate:0.125"\necho "step:2 - critic/score/mean:0.75 - episode/success_rate:0.5"\nexit 0',
    hang: 'echo $$ > "$RUN_DIR/pid"\necho "step:1 - critic/score/mean:0.1"\nexec sleep 60',
    'no-verl': '',
  }[behaviour];
  writeFileSync(
    join(dir, 'python3'),
    `#!/usr/bin/env bash\nif [[ "$1" == "-c" ]]; then ${behaviour === 'no-verl' ? 'echo "ModuleNotFoundError: No module named \'verl\'" >&2; exit 1' : 'exit 0'}; fi\n${body}\n`,
    { mode: 0o755 },
  );
  return dir;
}

describe('RL handoff', () => {
  it("writes a launch folder: the script carries the merged path and the settings, bash -n passes, the data reads back in verl's layout with PNG frames", async () => {
    const { studio, runner, project, modelDir, merged } = await projectWithMerged();
    const run = runner.start('rl.handoff', {
      mergedArtifactId: merged.id,
      game: 'sokoban',
      trainDataSize: 4,
      valDataSize: 3,
      groupSize: 6,
      lr: 2e-6,
      klLossCoef: 0.01,
      tensorParallelSize: 2,
      maxTurns: 12,
      gpusPerNode: 8,
      nodes: 2,
      rolloutEngine: 'sglang',
    });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    const out = project.store.runOutputs(run.id)[0]!;
    expect(out.kind).toBe('rl-launch');
    expect(project.store.runInputs(run.id).map((a) => a.id)).toEqual([merged.id]);
    const dir = join(project.dir, out.path);

    const script = readFileSync(join(dir, 'run_gigpo.sh'), 'utf8');
    expect(statSync(join(dir, 'run_gigpo.sh')).mode & 0o111).not.toBe(0);
    expect(script).toContain(`MERGED_MODEL='${modelDir.replace(/'/g, `'\\''`)}'`);
    for (const s of [
      'algorithm.adv_estimator=gigpo',
      'env.env_name=Sokoban',
      'env.rollout.n=6',
      'data.train_batch_size=4',
      'data.val_batch_size=3',
      'actor_rollout_ref.actor.optim.lr=0.000002',
      'actor_rollout_ref.actor.kl_loss_coef=0.01',
      'actor_rollout_ref.rollout.tensor_model_parallel_size=2',
      'env.max_steps=12',
      'env.sokoban.dim_room=[6,6]',
      'N_GPUS_PER_NODE:-8',
      'NNODES:-2',
      'ENGINE:-sglang',
      "trainer.logger=['console']",
    ])
      expect(script).toContain(s);
    expect(spawnSync('bash', ['-n', join(dir, 'run_gigpo.sh')]).status).toBe(0);
    // The script's own quoting gives back the exact path, ready for Hydra.
    const hq = execFileSync(
      'bash',
      [
        '-c',
        `source <(sed -n '/^hq()/p' "$0"); MERGED_MODEL=$(sed -n "s/^MERGED_MODEL=//p" "$0"); eval "MERGED_MODEL=$MERGED_MODEL"; hq "$MERGED_MODEL"`,
        join(dir, 'run_gigpo.sh'),
      ],
      { encoding: 'utf8' },
    );
    expect(hq).toBe(`'${modelDir.replace(/'/g, "\\'")}'`);

    for (const [file, split, rows] of [
      ['train.parquet', 'train', 4],
      ['test.parquet', 'test', 3],
    ] as const) {
      const pq = await readParquet(join(dir, 'data', file));
      expect(pq.numRows).toBe(rows);
      expect(Object.keys(pq.rows[0]!).sort()).toEqual(['ability', 'data_source', 'extra_info', 'images', 'prompt', 'reward_model']);
      pq.rows.forEach((r, i) => {
        expect(r).toMatchObject({
          data_source: 'visual',
          ability: 'agent',
          prompt: [{ role: 'user', content: '<image>' }],
          reward_model: { style: 'rule', ground_truth: '' },
          extra_info: { split, index: BigInt(i) },
        });
        const images = r.images as { bytes: Uint8Array; path: string | null }[];
        expect(images).toHaveLength(1);
        expect(Buffer.from(images[0]!.bytes).subarray(0, 8)).toEqual(PNG_MAGIC);
      });
      expect(JSON.parse(pq.keyValue.huggingface!).info.features.images).toEqual([{ _type: 'Image' }]);
    }
    const train = await readParquet(join(dir, 'data', 'train.parquet'));
    const test = await readParquet(join(dir, 'data', 'test.parquet'));
    const frame = (r: Record<string, unknown>) => Buffer.from((r.images as { bytes: Uint8Array }[])[0]!.bytes).toString('base64');
    // Different seeds, different levels: the frames are not one picture repeated.
    expect(new Set([...train.rows, ...test.rows].map(frame)).size).toBeGreaterThan(1);

    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('ray start --head');
    expect(readme).toContain('ray start --address=<head-ip>:6379');
    expect(readme).toContain('bash run_gigpo.sh');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model: { path: modelDir }, game: { id: 'sokoban', verlEnv: 'Sokoban' }, hyperParameters: { groupSize: 6, nodes: 2 } });
    await studio.dispose();
  });

  it("defaults follow ARLArena's GiGPO script, and bad settings are refused naming the field", () => {
    const d = RlHandoffConfig.parse({ mergedArtifactId: 'x' });
    expect(d).toMatchObject({
      game: 'sokoban',
      groupSize: 8,
      trainDataSize: 32,
      valDataSize: 128,
      ppoMiniBatchSize: 64,
      ppoMicroBatchSizePerGpu: 8,
      lr: 1e-6,
      klLossCoef: 0.001,
      rolloutEngine: 'vllm',
      tensorParallelSize: 1,
      maxTurns: 15,
      gpusPerNode: 4,
      nodes: 1,
      gamma: 0.95,
      gigpoMode: 'mean_std_norm',
    });
    const bad = (c: object) => RlHandoffConfig.safeParse({ mergedArtifactId: 'x', ...c }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(bad({ game: 'frozenlake' })).toEqual([expect.stringMatching(/^game: verl-agent has no frozenlake environment/)]);
    expect(bad({ tensorParallelSize: 8, gpusPerNode: 4 })).toEqual([expect.stringMatching(/^tensorParallelSize: cannot be more than the GPUs per node \(4\)/)]);
    expect(bad({ groupSize: 0 })?.[0]).toMatch(/^groupSize:/);
    for (const g of RL_GAMES) expect(GAME_IDS).toContain(g);
  });

  it('runs the folder when python3 imports verl: arguments reach the trainer, reward lines become metrics', async () => {
    const bin = standInPython(join(tempDir(), 'bin'), 'train');
    const { studio, runner, project, modelDir, merged } = await projectWithMerged(bin);
    runner.start('rl.handoff', { mergedArtifactId: merged.id, game: 'blackjack', trainDataSize: 2, valDataSize: 2, totalEpochs: 2 });
    await runner.idle();
    const launch = project.store.listArtifacts(['rl-launch'])[0]!;
    const run = runner.start('rl.launch', { launchArtifactId: launch.id, extraArgs: ['trainer.total_epochs=2'] });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    const runDir = `${join(project.dir, launch.path)}.runs/${run.id.slice(0, 8)}`;
    const args = readFileSync(join(runDir, 'args.txt'), 'utf8').split('\n');
    expect(args[0]).toBe('-m');
    expect(args[1]).toBe('verl.trainer.main_ppo');
    expect(args).toContain(`actor_rollout_ref.model.path='${modelDir.replace(/'/g, "\\'")}'`);
    expect(args).toContain('env.env_name=gym_cards/Blackjack-v0');
    expect(args).toContain(`data.train_files='${join(project.dir, launch.path, 'data', 'train.parquet')}'`);
    expect(args[args.length - 2]).toBe('trainer.total_epochs=2');
    const metrics = project.store.listMetrics(run.id);
    expect(metrics.filter((m) => m.name === 'critic/score/mean')).toEqual([
      { name: 'critic/score/mean', step: 1, value: 0.25 },
      { name: 'critic/score/mean', step: 2, value: 0.75 },
    ]);
    expect(metrics.some((m) => m.name === 'actor/pg_loss')).toBe(false);
    expect(readFileSync(join(runDir, 'train.log'), 'utf8')).toContain('step:2');
    expect(project.store.listLogs(run.id).some((l) => l.message.includes('step:1 - actor/pg_loss'))).toBe(true);
    await studio.dispose();
  });

  it('cancel ends the whole process group; without verl the job says the folder is the product', async () => {
    const bin = standInPython(join(tempDir(), 'bin'), 'hang');
    const { studio, runner, project, merged } = await projectWithMerged(bin);
    runner.start('rl.handoff', { mergedArtifactId: merged.id, trainDataSize: 1, valDataSize: 1 });
    await runner.idle();
    const launch = project.store.listArtifacts(['rl-launch'])[0]!;
    const run = runner.start('rl.launch', { launchArtifactId: launch.id });
    const pidFile = `${join(project.dir, launch.path)}.runs/${run.id.slice(0, 8)}/pid`;
    const end = Date.now() + 20_000;
    while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8').trim()) {
      if (Date.now() > end) throw new Error('the stand-in trainer never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    const pid = Number(readFileSync(pidFile, 'utf8'));
    runner.cancel(run.id);
    await runner.idle();
    expect(runner.summary(run.id).status).toBe('cancelled');
    // Gone, or a zombie waiting for init to reap it: either way it no longer runs.
    const running = (): boolean => isRunning(pid);
    const deadline = Date.now() + 5000;
    while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(running()).toBe(false);
    await studio.dispose();

    const noVerl = await projectWithMerged(standInPython(join(tempDir(), 'bin'), 'no-verl'));
    noVerl.runner.start('rl.handoff', { mergedArtifactId: noVerl.merged.id, trainDataSize: 1, valDataSize: 1 });
    await noVerl.runner.idle();
    const folder = noVerl.project.store.listArtifacts(['rl-launch'])[0]!;
    const failed = noVerl.runner.start('rl.launch', { launchArtifactId: folder.id });
    await noVerl.runner.idle();
    expect(noVerl.runner.summary(failed.id).error).toMatch(/verl is not installed for python3 on this machine .*No module named 'verl'.*ready to copy/);
    await noVerl.studio.dispose();
  });

  it('parses verl console lines, ANSI colours included', () => {
    expect(parseStepLine('\u001b[36mstep:7 - critic/score/mean:0.5 - timing_s/gen:12.1 - episode/success_rate:0.25\u001b[0m')).toEqual({
      step: 7,
      values: [
        { name: 'critic/score/mean', value: 0.5 },
        { name: 'episode/success_rate', value: 0.25 },
      ],
    });
    expect(parseStepLine('Training Progress: 3%')).toBeNull();
  });
});
