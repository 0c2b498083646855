import { mkdirSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Studio } from '../../../main/core/studio';
import type { JobDefinition } from '../../../main/core/jobs/types';
import { ARTIFACT_KINDS, type LineageNode } from '../../../preload/contract';
import { tempDir } from '../../helpers/tmp';

// A stand-in for a pipeline step: reads one artifact, writes a derived file.
const deriveJob: JobDefinition<{ from: string; kind: 'dataset-json' | 'dataset-parquet' | 'adapter'; name: string }> = {
  kind: 'test.derive',
  step: 'convert',
  schema: z.object({ from: z.string(), kind: z.enum(['dataset-json', 'dataset-parquet', 'adapter']), name: z.string() }),
  title: (c) => `derive ${c.name}`,
  async run(ctx) {
    const input = ctx.input(ctx.config.from, 'input', ARTIFACT_KINDS);
    const out = join(ctx.project.dir, 'artifacts', 'files', ctx.config.name);
    writeFileSync(out, `derived from ${input.sha256}`);
    await ctx.addOutput({ path: out, kind: ctx.config.kind, name: ctx.config.name });
  },
};

async function setup() {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  studio.createProject(join(tempDir(), 'p'), 'lineage');
  const { runner, project } = studio.requireProject();
  runner.register(deriveJob);
  return { studio, runner, project };
}

describe('artifacts and lineage', () => {
  it('imports a folder by reference with a stable folder sha256 and size', async () => {
    const { studio, runner, project } = await setup();
    const src = join(tempDir(), 'traj');
    mkdirSync(join(src, 'b'), { recursive: true });
    writeFileSync(join(src, 'a.json'), '[1]');
    writeFileSync(join(src, 'b', 'c.json'), '[2,3]');
    const run = runner.start('artifact.import', { path: src, kind: 'trajectories', mode: 'reference' });
    await runner.idle();
    expect(runner.summary(run.id).status).toBe('succeeded');
    const [a] = project.store.listArtifacts(['trajectories']);
    const fileSha = (s: string) => createHash('sha256').update(s).digest('hex');
    const expected = createHash('sha256')
      .update(`a.json\0${fileSha('[1]')}\nb/c.json\0${fileSha('[2,3]')}\n`)
      .digest('hex');
    expect(a).toMatchObject({ kind: 'trajectories', path: src, in_project: 0, size_bytes: 8, sha256: expected, produced_by_run_id: run.id });
    await studio.dispose();
  });

  it('copy mode copies into artifacts/ and records the path relative to the project', async () => {
    const { studio, runner, project } = await setup();
    const src = join(tempDir(), 'model');
    mkdirSync(src);
    writeFileSync(join(src, 'config.json'), '{}');
    writeFileSync(join(src, 'model.safetensors'), Buffer.alloc(1000, 7));
    runner.start('artifact.import', { path: src, kind: 'base-model', mode: 'copy', name: 'tiny' });
    await runner.idle();
    const [a] = project.store.listArtifacts(['base-model']);
    expect(a!.in_project).toBe(1);
    expect(a!.path).toMatch(/^artifacts\/models\/tiny-[0-9a-f]{8}$/);
    expect(readdirSync(join(project.dir, a!.path)).sort()).toEqual(['config.json', 'model.safetensors']);
    await studio.dispose();
  });

  it('refuses a folder that is not a model, naming the missing file, and registers nothing', async () => {
    const { studio, runner, project } = await setup();
    const src = tempDir();
    writeFileSync(join(src, 'weights.bin'), 'x');
    const run = runner.start('artifact.import', { path: src, kind: 'base-model', mode: 'copy' });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'failed' });
    expect(runner.summary(run.id).error).toContain(`${src}: not a Hugging Face model folder (missing config.json)`);
    expect(project.store.listArtifacts()).toEqual([]);
    expect(readdirSync(join(project.dir, 'artifacts', 'models'))).toEqual([]);
    await studio.dispose();
  });

  it('a cancelled copy leaves no partial folder behind', async () => {
    const { studio, runner, project } = await setup();
    const src = join(tempDir(), 'big');
    mkdirSync(src);
    writeFileSync(join(src, 'config.json'), '{}');
    writeFileSync(join(src, 'model.safetensors'), Buffer.alloc(64 * 1024 * 1024, 1));
    let started = false;
    studio.events.subscribe((event, payload) => {
      if (event === 'run.updated' && (payload as { progress: number }).progress > 0 && !started) {
        started = true; // cancel mid-copy, once bytes are flowing
        runner.cancel((payload as { id: string }).id);
      }
    });
    const run = runner.start('artifact.import', { path: src, kind: 'base-model', mode: 'copy' });
    await runner.idle();
    expect(started).toBe(true);
    expect(runner.summary(run.id).status).toBe('cancelled');
    expect(readdirSync(join(project.dir, 'artifacts', 'models'))).toEqual([]);
    expect(project.store.listArtifacts()).toEqual([]);
    await studio.dispose();
  });

  it('traces an artifact back through runs to the trajectories it came from', async () => {
    const { studio, runner, project } = await setup();
    const src = join(tempDir(), 'episodes.json');
    writeFileSync(src, '[]');
    runner.start('artifact.import', { path: src, kind: 'trajectories' });
    await runner.idle();
    const traj = project.store.listArtifacts(['trajectories'])[0]!;
    runner.start('test.derive', { from: traj.id, kind: 'dataset-json', name: 'accepted.json' });
    await runner.idle();
    const ds = project.store.listArtifacts(['dataset-json'])[0]!;
    runner.start('test.derive', { from: ds.id, kind: 'dataset-parquet', name: 'train.parquet' });
    await runner.idle();
    const pq = project.store.listArtifacts(['dataset-parquet'])[0]!;
    const tree = (await studio.api.handle('artifacts.lineage', { artifactId: pq.id })) as LineageNode;
    expect(tree.artifact.name).toBe('train.parquet');
    expect(tree.producedBy!.run.kind).toBe('test.derive');
    const mid = tree.producedBy!.inputs[0]!;
    expect(mid.artifact.name).toBe('accepted.json');
    const root = mid.producedBy!.inputs[0]!;
    expect(root.artifact).toMatchObject({ kind: 'trajectories', name: 'episodes.json' });
    expect(root.producedBy!.run.kind).toBe('artifact.import');
    expect(root.producedBy!.inputs).toEqual([]);
    await studio.dispose();
  });

  it('verify reports artifacts that changed on disk', async () => {
    const { studio, runner, project } = await setup();
    const src = join(tempDir(), 'e.json');
    writeFileSync(src, '[1]');
    runner.start('artifact.import', { path: src, kind: 'trajectories' });
    await runner.idle();
    const ok = runner.start('project.verify', {});
    await runner.idle();
    expect(runner.summary(ok.id).status).toBe('succeeded');
    writeFileSync(src, '[2]');
    const bad = runner.start('project.verify', {});
    await runner.idle();
    expect(runner.summary(bad.id)).toMatchObject({ status: 'failed' });
    expect(runner.summary(bad.id).error).toMatch(/1 of 1 artifacts changed or missing: e\.json: changed on disk/);
    expect(existsSync(src)).toBe(true);
    expect(project.store.listMetrics(bad.id)).toContainEqual({ name: 'artifacts_with_problems', step: 0, value: 1 });
    await studio.dispose();
  });
});
