// After a kill: partial outputs are removed at the next open, finished outputs no
// run registered are adopted, incomplete ones are left alone, and the log says so.
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Studio } from '../../../main/core/studio';
import { mergeModel } from '../../../main/core/steps/merge/mergeModel';
import { bundleHelper, startChild } from '../../helpers/childProcess';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../../helpers/checkpoints';
import { tempDir } from '../../helpers/tmp';

function sparseF32(path: string, rows: number, cols: number): void {
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [rows, cols], data_offsets: [0, rows * cols * 4] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(path, Buffer.concat([len, header]));
  const fd = openSync(path, 'r+');
  ftruncateSync(fd, 8 + header.length + rows * cols * 4);
  closeSync(fd);
}

describe('leftovers of a killed session', () => {
  it('removes partials, registers finished unregistered outputs, leaves incomplete ones, and logs each', async () => {
    const home = tempDir('studio-home-');
    const dir = join(tempDir(), 'p');
    const first = new Studio({ shell: 'server', configDir: home });
    first.createProject(dir, 'Crashy');
    await first.dispose();
    const art = join(dir, 'artifacts');

    // 1. A real merge process killed mid-write inside the project.
    const src = join(tempDir(), 'big.safetensors');
    sparseF32(src, 32768, 4096);
    const { child } = await startChild(bundleHelper('test/helpers/mergeKilledChild.ts'), [src, join(art, 'merged', 'killed')], /PROGRESS/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(readdirSync(join(art, 'merged'))).toEqual(['killed.partial-dead1']);
    // Partial files of the other writers' kinds (convert, export, trainer checkpoint).
    mkdirSync(join(art, 'datasets', 'set-1.partial'), { recursive: true });
    writeFileSync(join(art, 'datasets', 'set-1.partial', 'train.parquet.partial'), 'half');
    mkdirSync(join(art, 'checkpoints', 'run-a', 'checkpoint-4.partial'), { recursive: true });

    // 2. Finished outputs whose runs died before registering them.
    const root = tempDir();
    const specs = makeQwen3VLCheckpoint(join(root, 'base'), { dtype: 'BF16', shards: 1 });
    makeLoraAdapter(join(art, 'checkpoints', 'run-a', 'checkpoint-2'), specs, { r: 8, alpha: 16 });
    makeLoraAdapter(join(root, 'adapter'), specs, { r: 8, alpha: 16 });
    await mergeModel({ baseDir: join(root, 'base'), adapterDir: join(root, 'adapter'), outDir: join(art, 'merged', 'done') });
    mkdirSync(join(art, 'trajectories', 'roll-1'), { recursive: true });
    writeFileSync(join(art, 'trajectories', 'roll-1', 'trajectories.jsonl'), '{"id":"t0"}\n');
    // 3. Incomplete (a shard the index names is missing): not ours to guess about.
    mkdirSync(join(art, 'merged', 'broken'));
    writeFileSync(join(art, 'merged', 'broken', 'config.json'), '{}');
    writeFileSync(join(art, 'merged', 'broken', 'model.safetensors.index.json'), JSON.stringify({ weight_map: { w: 'model-00001-of-00002.safetensors' } }));

    const studio = new Studio({ shell: 'server', configDir: home });
    studio.openProject(dir);
    const { project, runner } = studio.requireProject();
    await runner.idle();
    expect(existsSync(join(art, 'merged', 'killed.partial-dead1'))).toBe(false);
    expect(existsSync(join(art, 'datasets', 'set-1.partial'))).toBe(false);
    expect(existsSync(join(art, 'checkpoints', 'run-a', 'checkpoint-4.partial'))).toBe(false);
    const registered = project.store
      .listArtifacts()
      .map((a) => [a.kind, a.path])
      .sort();
    expect(registered).toEqual([
      ['adapter', 'artifacts/checkpoints/run-a/checkpoint-2'],
      ['merged-model', 'artifacts/merged/done'],
      ['trajectories', 'artifacts/trajectories/roll-1'],
    ]);
    expect(existsSync(join(art, 'merged', 'broken'))).toBe(true);
    const run = project.store.listRuns({ limit: 5 }).find((r) => r.kind === 'project.recover')!;
    expect(run.status).toBe('succeeded');
    const log = project.store
      .listLogs(run.id)
      .map((l) => l.message)
      .join('\n');
    expect(log).toContain(`removed the partial output ${join(art, 'merged', 'killed.partial-dead1')}`);
    expect(log).toContain(`registered the finished merged-model ${join(art, 'merged', 'done')}`);
    await studio.dispose();

    // A second open finds nothing left to do and starts no recovery run.
    const again = new Studio({ shell: 'server', configDir: home });
    again.openProject(dir);
    expect(
      again
        .requireProject()
        .project.store.listRuns({ limit: 10 })
        .filter((r) => r.kind === 'project.recover'),
    ).toHaveLength(1);
    await again.dispose();
  });
});
