// Outputs from the UI's side: distinct default names, rename (unique per kind), delete that
// removes in-project files, forgets outside ones, and refuses (naming them) while something
// was made from it; the RL launch folder name is a clean slug of the output's name.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact, RunSummary } from '../../../preload/contract';
import { Studio } from '../../../main/core/studio';
import { folderSlug } from '../../../main/core/project/layout';
import { makeQwen3VLCheckpoint } from '../../helpers/checkpoints';
import { tempDir } from '../../helpers/tmp';

async function setup() {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  studio.createProject(join(tempDir(), 'p'), 'outputs');
  const { runner, project } = studio.requireProject();
  const call = <T>(m: string, p: unknown = {}) => studio.api.handle(m, p) as Promise<T>;
  const list = (kind: string) => call<Artifact[]>('artifacts.list', { kinds: [kind] });
  return { studio, runner, project, call, list };
}

function trajectoriesFile(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const f = join(dir, 'sokoban rollout.jsonl');
  writeFileSync(f, '{}\n');
  return f;
}

describe('outputs: names, rename, delete', () => {
  it('gives a second output of the same name a distinct one, renames, refuses a taken name', async () => {
    const { studio, runner, call, list } = await setup();
    const file = trajectoriesFile(tempDir());
    for (let i = 0; i < 3; i++) runner.start('artifact.import', { path: file, kind: 'dataset-json', mode: 'reference' });
    await runner.idle();
    const names = (await list('dataset-json')).map((a) => a.name).sort();
    expect(names).toEqual(['sokoban rollout.jsonl', 'sokoban rollout.jsonl 2', 'sokoban rollout.jsonl 3']);
    const [a, b] = await list('dataset-json');
    const renamed = await call<Artifact>('artifacts.rename', { artifactId: a!.id, name: '  level 1 only  ' });
    expect(renamed.name).toBe('level 1 only');
    await expect(call('artifacts.rename', { artifactId: b!.id, name: 'level 1 only' })).rejects.toThrow(/already called “level 1 only”/);
    await expect(call('artifacts.rename', { artifactId: b!.id, name: '   ' })).rejects.toThrow(/a name is required/);
    await studio.dispose();
  });

  it('deletes an in-project copy with its files; forgets a referenced one and leaves its files', async () => {
    const { studio, runner, call, list } = await setup();
    const src = tempDir();
    makeQwen3VLCheckpoint(join(src, 'm'), { shards: 1 });
    runner.start('artifact.import', { path: join(src, 'm'), kind: 'base-model', mode: 'copy', name: 'copied' });
    runner.start('artifact.import', { path: join(src, 'm'), kind: 'base-model', mode: 'reference', name: 'referenced' });
    await runner.idle();
    const all = await list('base-model');
    const c = all.find((a) => a.name === 'copied')!;
    const r = all.find((a) => a.name === 'referenced')!;
    expect(c.inProject).toBe(true);
    expect(existsSync(c.path)).toBe(true);
    expect(await call('artifacts.delete', { artifactId: c.id })).toEqual({ deleted: true, removedPath: c.path });
    expect(existsSync(c.path)).toBe(false);
    expect(await call('artifacts.delete', { artifactId: r.id })).toEqual({ deleted: true, removedPath: null });
    expect(readdirSync(join(src, 'm'))).toContain('config.json');
    expect(await list('base-model')).toEqual([]);
    await expect(call('artifacts.delete', { artifactId: r.id })).rejects.toThrow(/no output with id/);
    await studio.dispose();
  });

  it('refuses to delete what an RL launch folder was made from, naming it; the folder name is a clean slug', async () => {
    const { studio, runner, call, list } = await setup();
    const src = tempDir();
    makeQwen3VLCheckpoint(join(src, 'm'), { shards: 1 });
    runner.start('artifact.import', { path: join(src, 'm'), kind: 'merged-model', mode: 'reference', name: 'sokoban-merged (export)' });
    await runner.idle();
    const merged = (await list('merged-model'))[0]!;
    const run = runner.start('rl.handoff', { mergedArtifactId: merged.id, game: 'sokoban', trainDataSize: 1, valDataSize: 1 }) as RunSummary;
    await runner.idle();
    expect(studio.requireProject().project.store.getRun(run.id)!.status).toBe('succeeded');
    const launch = (await list('rl-launch'))[0]!;
    expect(basename(launch.path)).toMatch(/^sokoban-merged-export-gigpo-sokoban-[0-9a-f]{8}$/);
    await expect(call('artifacts.delete', { artifactId: merged.id })).rejects.toThrow(`“${launch.name}” (rl-launch) was made from it`);
    await call('artifacts.delete', { artifactId: launch.id });
    expect(existsSync(launch.path)).toBe(false);
    await call('artifacts.delete', { artifactId: merged.id });
    await studio.dispose();
  });

  it('slugs folder names', () => {
    expect(folderSlug('sokoban (export)')).toBe('sokoban-export');
    expect(folderSlug('../../etc')).toBe('etc');
    expect(folderSlug('()')).toBe('output');
  });
});
