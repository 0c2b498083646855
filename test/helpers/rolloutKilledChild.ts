// A studio process whose rollout is killed (SIGKILL, by itself) at a chosen point
// after every trajectory was played and stored: "before-write" (its output folder
// not written yet) or "before-register" (the folder complete, not registered).
// Prints "ROLLOUT <runId>" first so the test knows the rollout id.
import { Studio } from '../../main/core/studio';
import { rolloutJob } from '../../main/core/steps/rollout/rolloutJob';

const [dir, home, point, configJson] = process.argv.slice(2);
const studio = new Studio({ shell: 'server', configDir: home });
studio.openProject(dir!);
const { runner } = studio.requireProject();
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};
runner.register({
  ...rolloutJob,
  run: (ctx) =>
    rolloutJob.run({
      ...ctx,
      ownOutput: (p: string) => (point === 'before-write' ? die() : ctx.ownOutput(p)),
      addOutput: (spec) => (point === 'before-register' ? die() : ctx.addOutput(spec)),
    }),
});
const run = runner.start('rollout.run', JSON.parse(configJson!));
process.stdout.write(`ROLLOUT ${run.id}\n`);
setInterval(() => undefined, 1000);
