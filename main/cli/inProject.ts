// Running jobs in a project from the command line: progress on stderr, Ctrl-C
// cancels what is running, a run that does not succeed is an error with its reason.
import type { JobStart, RunSummary } from '../../preload/contract';
import type { JobRunner } from '../core/jobs/jobRunner';
import type { Project } from '../core/project/project';
import { Studio } from '../core/studio';
import { progressLine } from './print';

export interface ProjectSession {
  studio: Studio;
  runner: JobRunner;
  project: Project;
  /** Starts a job through the contract-checked API, as the app's transports do. */
  start<K extends JobStart['kind']>(kind: K, config: Extract<JobStart, { kind: K }>['config']): Promise<RunSummary>;
  /** Waits for the runner to go idle; throws unless the run succeeded. */
  follow(runId: string): Promise<RunSummary>;
  /** The id of the first artifact a run produced. */
  outputOf(runId: string): string;
}

export async function inProject<T>(dir: string, fn: (s: ProjectSession) => Promise<T>): Promise<T> {
  const studio = new Studio({ shell: 'server' });
  try {
    studio.openProject(dir);
    const { runner, project } = studio.requireProject();
    const off = studio.events.subscribe((e, p) => e === 'run.updated' && process.stderr.write(`\r${progressLine(p as RunSummary)}   `));
    const cancelAll = (): void => project.store.listRuns({ limit: 5 }).forEach((r) => runner.cancel(r.id));
    process.once('SIGINT', cancelAll);
    try {
      return await fn({
        studio,
        runner,
        project,
        start: (kind, config) => studio.api.call('jobs.start', { kind, config } as JobStart),
        follow: async (id) => {
          await runner.idle();
          const s = runner.summary(id);
          process.stderr.write(`\r${progressLine(s)}\n`);
          if (s.status !== 'succeeded') throw new Error(s.error ?? s.status);
          return s;
        },
        outputOf: (runId) => project.store.runOutputs(runId)[0]!.id,
      });
    } finally {
      off();
      process.removeListener('SIGINT', cancelAll);
    }
  } finally {
    await studio.dispose();
  }
}
