// The studio registers the job kinds the steps declare (steps/<step>/step.ts), nothing else; kind names
// follow their folders; ctx.input checks an input's kind naming the role; jobs.start is generic, and the
// rollout job itself fills in the ONNX provider the System page chose.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobStart } from '../../../preload/contract';
import { builtinJobs } from '../../../main/core/jobs/builtin';
import type { JobDefinition } from '../../../main/core/jobs/types';
import { Studio } from '../../../main/core/studio';
import { listSteps, stepJobs } from '../../../main/core/steps';
import { convertJobs } from '../../../main/core/steps/convert/step';
import { evaluateJobs } from '../../../main/core/steps/evaluate/step';
import { filterJobs } from '../../../main/core/steps/filter/step';
import { mergeJobs } from '../../../main/core/steps/merge/step';
import { rlJobs } from '../../../main/core/steps/rl/step';
import { rolloutJobs } from '../../../main/core/steps/rollout/step';
import { trainJobs } from '../../../main/core/steps/train/step';
import { uploadJobs } from '../../../main/core/steps/upload/step';
import { tempDir } from '../../helpers/tmp';

// The services as the studio hands them over; no job runs here, so the token store is never asked.
const services = { tokenStore: null as never, onnxProvider: () => 'cpu' as const };

function open() {
  const studio = new Studio({ shell: 'server', configDir: tempDir('studio-home-') });
  studio.createProject(join(tempDir(), 'p'), 'step jobs');
  return { studio, ...studio.requireProject() };
}

describe('step jobs', () => {
  it('the studio registers the builtin kinds and what the steps declare, and every kind a step lists or the contract starts', async () => {
    const { studio, runner } = open();
    const declared = [...builtinJobs, ...stepJobs(services)].map((j) => j.kind);
    expect(new Set(declared).size).toBe(declared.length);
    expect(runner.kinds().sort()).toEqual([...declared].sort());
    for (const s of listSteps()) for (const k of s.jobKinds) expect(runner.kinds(), `${s.id} lists ${k}`).toContain(k);
    const startable = JobStart.options.map((o) => o.shape.kind.value as string);
    expect(declared.filter((k) => !startable.includes(k))).toEqual(['project.recover']); // started by the studio itself only
    expect(startable.filter((k) => !declared.includes(k))).toEqual([]);
    await studio.dispose();
  });

  it("kind names follow their folders (the Filter & review step's export is named for its review.* API)", () => {
    const byFolder: Record<string, { jobs: JobDefinition<unknown>[]; prefix: string }> = {
      rollout: { jobs: rolloutJobs(services), prefix: 'rollout' },
      filter: { jobs: filterJobs(services), prefix: 'review' },
      convert: { jobs: convertJobs(services), prefix: 'convert' },
      train: { jobs: trainJobs(services), prefix: 'train' },
      evaluate: { jobs: evaluateJobs(services), prefix: 'evaluate' },
      upload: { jobs: uploadJobs(services), prefix: 'upload' },
      merge: { jobs: mergeJobs(services), prefix: 'merge' },
      rl: { jobs: rlJobs(services), prefix: 'rl' },
    };
    const wrong = Object.entries(byFolder).flatMap(([folder, { jobs, prefix }]) => jobs.filter((j) => j.kind.split('.')[0] !== prefix).map((j) => `steps/${folder}: ${j.kind}`));
    expect(wrong).toEqual([]);
    expect(
      Object.values(byFolder)
        .flatMap((f) => f.jobs.map((j) => j.kind))
        .sort(),
    ).toEqual(
      stepJobs(services)
        .map((j) => j.kind)
        .sort(),
    );
  });

  it('ctx.input records the input and refuses a wrong kind, naming the role and the kinds it takes', async () => {
    const { studio, runner, project } = open();
    const seen: string[] = [];
    const useJob: JobDefinition<{ id: string; expected?: string }> = {
      kind: 'test.use',
      step: 'convert',
      schema: z.object({ id: z.string(), expected: z.string().optional() }),
      title: () => 'use an input',
      async run(ctx) {
        const file = ctx.input(ctx.config.id, 'notes', ['file']);
        seen.push(`${file.kind} ${file.name}`);
        ctx.input(ctx.config.id, 'template', ['base-model', 'merged-model'], ctx.config.expected);
      },
    };
    runner.register(useJob);
    const src = join(tempDir(), 'notes.txt');
    writeFileSync(src, 'hello');
    runner.start('artifact.import', { path: src, kind: 'file', mode: 'reference', name: 'notes' });
    await runner.idle();
    const [notes] = project.store.listArtifacts(['file']);
    const worded = runner.start('test.use' as never, { id: notes!.id, expected: 'a model folder' } as never);
    const bare = runner.start('test.use' as never, { id: notes!.id } as never);
    const missing = runner.start('test.use' as never, { id: 'no-such-id' } as never);
    await runner.idle();
    expect(seen).toEqual(['file notes', 'file notes']);
    expect(runner.summary(worded.id)).toMatchObject({ status: 'failed', error: "template: artifact 'notes' is a file, not a model folder (base-model or merged-model)" });
    expect(runner.summary(bare.id).error).toBe("template: artifact 'notes' is a file, not a base-model or merged-model");
    expect(runner.summary(missing.id).error).toBe('input artifact no-such-id is not in this project');
    expect(project.store.runInputWithRole(worded.id, 'notes')?.id).toBe(notes!.id);
    await studio.dispose();
  });

  it("jobs.start passes configs through; a rollout's ONNX policy that leaves the provider to the app records the System page's choice", async () => {
    const { studio } = open();
    await studio.api.call('system.setOnnxProvider', { provider: 'cpu' });
    const modelDir = tempDir(); // no export in it: the run fails once started, its config is stored first
    const policy = { type: 'onnx' as const, modelDir, temperature: 0 };
    const left = await studio.api.call('jobs.start', { kind: 'rollout.run', config: { tasks: 1, policy } as never });
    const chosen = await studio.api.call('jobs.start', { kind: 'rollout.run', config: { tasks: 1, policy: { ...policy, provider: 'auto' } } as never });
    await studio.requireProject().runner.idle();
    const detail = async (runId: string) => (await studio.api.call('jobs.get', { runId })).config.policy;
    expect(await detail(left.id)).toMatchObject({ type: 'onnx', provider: 'cpu' });
    expect(await detail(chosen.id)).toMatchObject({ type: 'onnx', provider: 'auto' });
    await studio.dispose();
  });
});
