// The `studio` command over the built bundle, as a user on a headless box runs it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { WsClient } from '../helpers/server';
import { writeArlarenaFiles, writeJsonlDataset } from '../helpers/datasets';
import { readParquet } from '../helpers/parquet';
import { makeQwen3VLCheckpoint } from '../helpers/checkpoints';
import { makeTinyOnnxModel } from '../helpers/onnx/tinyOnnxModel';
import { engineState } from '../../main/core/native/engine';

const root = join(__dirname, '..', '..');
const bin = join(root, 'main', 'cli', 'bin.mjs');

function studio(args: string[], home: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, STUDIO_HOME: home }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('studio CLI', () => {
  it('creates a project, imports a model folder, and lists jobs and info', () => {
    const home = tempDir();
    const dir = join(tempDir(), 'proj');
    expect(studio(['project', 'create', dir, '--name', 'Headless'], home)).toMatchObject({ code: 0, out: expect.stringContaining(`created project 'Headless' in ${dir}`) });

    const model = join(tempDir(), 'tiny-model');
    mkdirSync(model);
    writeFileSync(join(model, 'config.json'), '{"model_type":"qwen3_vl"}');
    writeFileSync(join(model, 'model.safetensors'), Buffer.alloc(4096, 3));
    const imp = studio(['import', dir, '--path', model, '--kind', 'base-model'], home);
    expect(imp.code).toBe(0);
    expect(imp.err).toContain('100% succeeded');

    const jobs = studio(['jobs', dir, '--json'], home);
    const runs = JSON.parse(jobs.out) as { kind: string; status: string }[];
    expect(runs).toEqual([expect.objectContaining({ kind: 'artifact.import', status: 'succeeded' })]);

    const info = JSON.parse(studio(['project', 'info', dir, '--json'], home).out);
    expect(info).toMatchObject({ name: 'Headless', runs: { succeeded: 1 }, artifacts: { 'base-model': 1 } });
  });

  it('fails with a clear message on bad input', () => {
    const home = tempDir();
    const notProject = tempDir();
    const r = studio(['project', 'info', notProject], home);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${notProject} is not a studio project`);
    const dir = join(tempDir(), 'p');
    studio(['project', 'create', dir, '--name', 'x'], home);
    const bad = studio(['import', dir, '--path', join(dir, 'nope'), '--kind', 'adapter'], home);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('does not exist');
    expect(studio(['import', dir, '--path', dir, '--kind', 'weights'], home).err).toMatch(/--kind must be one of/);
    expect(studio(['frobnicate'], home).code).toBe(2);
  });

  it('serve prints a loopback URL with a token and answers on it', async () => {
    const home = tempDir();
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, STUDIO_HOME: home } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d) => {
          buf += d;
          const m = /Open this URL in your browser: (\S+)/.exec(buf);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
      expect((await fetch(url)).status).toBe(200);
      // Without the token the socket (the whole API) is refused.
      await expect(WsClient.open(url.replace(/^http/, 'ws').replace(/\/\?token=.*/, '/api'))).rejects.toThrow(/401/);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('convert writes Parquet from a dataset folder, alone or inside a project, and names a bad setting', async () => {
    const home = tempDir();
    const ds = writeJsonlDataset(join(tempDir(), 'ds'), [{ turns: 2 }, { turns: 3 }]);
    const out = join(tempDir(), 'verl');
    const r = studio(['convert', '--dataset', ds, '--out', out, '--target', 'verl', '--validation', '0'], home);
    expect(r.err).not.toContain('Error');
    expect(r.out).toContain('5 samples (5 train, 0 validation) from 2 episodes');
    expect((await readParquet(join(out, 'train.parquet'))).numRows).toBe(5);

    const arl = writeArlarenaFiles(join(tempDir(), 'arl'), [{ seed: 3, episodes: 2, turns: 2 }]);
    const dir = join(tempDir(), 'proj');
    studio(['project', 'create', dir, '--name', 'c'], home);
    const p = studio(['convert', '--dataset', arl, '--project', dir, '--history', 'full'], home);
    expect(p.code).toBe(0);
    const folder = /converted into the project: (\S+)/.exec(p.out)![1]!;
    expect((await readParquet(join(folder, 'train.parquet'))).numRows + (await readParquet(join(folder, 'validation.parquet'))).numRows).toBe(2);
    expect(
      JSON.parse(studio(['jobs', dir, '--json'], home).out)
        .map((j: { kind: string }) => j.kind)
        .sort(),
    ).toEqual(['artifact.import', 'convert.run']);

    const bad = studio(['convert', '--dataset', ds, '--out', join(tempDir(), 'x'), '--history', 'sometimes'], home);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/history: /);
  });

  (engineState().loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip)(
    'train runs a LoRA SFT job from a JSON config and prints its checkpoints; a bad setting is named',
    () => {
      const home = tempDir();
      const work = tempDir();
      const model = join(work, 'model');
      makeQwen3VLCheckpoint(model, { dtype: 'F32', shards: 1, init: 'realistic' });
      const ds = writeJsonlDataset(join(work, 'ds'), [{ turns: 2 }, { turns: 2 }]);
      expect(studio(['convert', '--dataset', ds, '--out', join(work, 'parquet'), '--model', model, '--validation', '0'], home).code).toBe(0);
      const dir = join(work, 'proj');
      studio(['project', 'create', dir, '--name', 't'], home);
      writeFileSync(
        join(work, 'train.json'),
        JSON.stringify({ base: 'model', dataset: 'parquet', maxSteps: 4, saveEvery: 2, lr: 0.01, batchSize: 2, gradAccum: 1, lora: { r: 4, alpha: 8 } }),
      );
      const r = studio(['train', '--project', dir, '--config', join(work, 'train.json')], home);
      expect(r.err).toContain('100% succeeded');
      expect(r.code).toBe(0);
      expect(r.out.match(/^checkpoint \S+: .*checkpoint-\d+$/gm)).toHaveLength(2);
      writeFileSync(join(work, 'bad.json'), JSON.stringify({ base: 'model', dataset: 'parquet', lr: -1 }));
      const bad = studio(['train', '--project', dir, '--config', join(work, 'bad.json')], home);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/bad.json: lr: lr must be positive/);
    },
    180_000,
  );

  it('rollout plays a local ONNX model from a JSON config (model folder relative to it) and names a missing graph', () => {
    const home = tempDir();
    const work = tempDir();
    makeTinyOnnxModel(join(work, 'onnx-model'), { seed: 5 });
    const dir = join(work, 'proj');
    studio(['project', 'create', dir, '--name', 'r'], home);
    writeFileSync(
      join(work, 'eval.json'),
      JSON.stringify({ game: 'sokoban', tasks: 2, concurrency: 2, settings: { maxTurns: 2 }, policy: { type: 'onnx', modelDir: 'onnx-model', temperature: 0, maxTokens: 6 } }),
    );
    const r = studio(['rollout', '--project', dir, '--config', join(work, 'eval.json')], home);
    expect(r.err).toContain('100% succeeded');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^trajectories \S+: .*trajectories.*$/m);
    expect(r.out).toMatch(/^success rate \d+\.\d % over 2 trajectories, [\d.]+ tokens\/s$/m);
    writeFileSync(join(work, 'bad.json'), JSON.stringify({ game: 'sokoban', tasks: 1, policy: { type: 'onnx', modelDir: 'onnx-model', variant: 'q4' } }));
    const bad = studio(['rollout', '--project', dir, '--config', join(work, 'bad.json')], home);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`${join(work, 'onnx-model', 'onnx', 'vision_encoder_q4.onnx')}: missing; vision_encoder is there as fp32`);
  }, 120_000);

  it('system reports the native addon and machine', () => {
    const r = studio(['system', '--json'], tempDir());
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep.node.version).toBe(process.versions.node);
    expect(typeof rep.training.reason).toBe('string');
    expect(rep.onnx.providers.find((p: { id: string }) => p.id === 'cpu')).toMatchObject({ available: true });
  });
});

describe('studio merge', () => {
  it('merges a PEFT adapter into a base folder from the command line, and refuses bad input', async () => {
    const { makeLoraAdapter, makeQwen3VLCheckpoint } = await import('../helpers/checkpoints');
    const root = tempDir();
    const specs = makeQwen3VLCheckpoint(join(root, 'base'), {});
    makeLoraAdapter(join(root, 'adapter'), specs, {});
    const ok = studio(['merge', '--base', join(root, 'base'), '--adapter', join(root, 'adapter'), '--out', join(root, 'merged')], tempDir());
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/merged 14 modules into .*merged \(1 shard\(s\)/);
    const again = studio(['merge', '--base', join(root, 'base'), '--adapter', join(root, 'adapter'), '--out', join(root, 'merged')], tempDir());
    expect(again).toMatchObject({ code: 1, err: expect.stringContaining('already exists') });

    const home = tempDir();
    const proj = join(root, 'proj');
    studio(['project', 'create', proj, '--name', 'm'], home);
    const inProject = studio(['merge', '--project', proj, '--base', join(root, 'base'), '--adapter', join(root, 'adapter'), '--out', join(root, 'exported')], home);
    expect(inProject.code).toBe(0);
    const info = JSON.parse(studio(['project', 'info', proj, '--json'], home).out);
    expect(info.artifacts).toMatchObject({ 'base-model': 1, adapter: 1, 'merged-model': 2 });
  });
});

describe('merge kernels', () => {
  it('the SIMD kernel and the portable loops write identical bytes (PEFT rounding), tails included', async () => {
    const { makeLoraAdapter, makeQwen3VLCheckpoint, TINY } = await import('../helpers/checkpoints');
    const { readFileSync, readdirSync } = await import('node:fs');
    const root = tempDir();
    // 68 / 100 columns: not multiples of the 8- and 32-wide SIMD blocks.
    const specs = makeQwen3VLCheckpoint(join(root, 'base'), { dims: { ...TINY, hidden: 68, intermediate: 100, headDim: 17 }, shards: 1 });
    makeLoraAdapter(join(root, 'adapter'), specs, { r: 12, alpha: 24 });
    const run = (out: string, portable: boolean) => {
      const r = spawnSync(process.execPath, [bin, 'merge', '--base', join(root, 'base'), '--adapter', join(root, 'adapter'), '--out', join(root, out)], {
        env: { ...process.env, STUDIO_HOME: tempDir(), ...(portable ? { STUDIO_MERGE_PORTABLE: '1' } : {}) },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
    };
    run('simd', false);
    run('portable', true);
    const shards = readdirSync(join(root, 'simd')).filter((f) => f.endsWith('.safetensors'));
    expect(shards.length).toBeGreaterThan(0);
    for (const f of shards) expect(readFileSync(join(root, 'simd', f)).equals(readFileSync(join(root, 'portable', f))), f).toBe(true);
  });
});
