// The Train device comes from what the machine has (issue 23, item 5): without CUDA the default is
// cpu with the reason, and a run asking for cuda fails at once with a sentence, not a libtorch trace.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineState } from '../../../main/core/native/engine';
import { Studio } from '../../../main/core/studio';
import { deviceProblem, trainDevices } from '../../../main/core/system/trainDevices';
import { makeQwen3VLCheckpoint } from '../../helpers/checkpoints';
import { tempDir } from '../../helpers/tmp';

const state = engineState();
const machineHasCuda = state.loaded && state.engine.info().cuda;

describe('training device', () => {
  it('names the problem with a device that is not there', () => {
    const none = { cuda: false, cudaDevices: 0, default: 'cpu' as const, reason: 'this machine has no usable CUDA device' };
    const one = { cuda: true, cudaDevices: 1, default: 'cuda' as const, reason: 'libtorch sees 1 CUDA device(s)' };
    expect(deviceProblem('cpu', none)).toBeNull();
    expect(deviceProblem('cuda', none)).toBe("device 'cuda' was chosen, but this machine has no usable CUDA device: choose device 'cpu'");
    expect(deviceProblem('cuda:0', one)).toBeNull();
    expect(deviceProblem('cuda:2', one)).toBe("device 'cuda:2' does not exist: libtorch sees 1 CUDA device(s) (cuda:0)");
  });

  it('the default is what the engine sees on this machine, and the contract method says so', async () => {
    const d = trainDevices();
    expect(d.default).toBe(machineHasCuda ? 'cuda' : 'cpu');
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    expect(await studio.api.handle('train.devices', {})).toEqual(d);
    if (!machineHasCuda) expect(d.reason).toMatch(/no usable CUDA device|not available/);
    await studio.dispose();
  });

  (machineHasCuda ? it.skip : it)('a run asking for cuda on a machine without it fails before the worker starts, saying what to choose', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    studio.createProject(join(tempDir(), 'p'), 'device');
    const { runner, project } = studio.requireProject();
    const model = join(tempDir(), 'tiny');
    makeQwen3VLCheckpoint(model, { dtype: 'F32', shards: 1 });
    runner.start('artifact.import', { path: model, kind: 'base-model', mode: 'reference' });
    await runner.idle();
    const base = project.store.listArtifacts(['base-model'])[0]!;
    const r = runner.start('train.run', { baseArtifactId: base.id, datasetArtifactId: base.id, device: 'cuda' });
    await runner.idle();
    expect(runner.summary(r.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^device 'cuda' was chosen, but .*: choose device 'cpu'$/) });
    expect(project.store.listLogs(r.id).some((l) => /c10::|Exception raised from|Traceback/.test(l.message))).toBe(false);
    await studio.dispose();
  });
});
