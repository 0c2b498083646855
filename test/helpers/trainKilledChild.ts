// A studio process training in a project; prints "TRAINING <runId>" and then
// "STEP <n>" for every step as the run reports them, and waits to be SIGKILLed (a server
// killed mid-run: its trainer worker is left to save a checkpoint nobody registers).
import { Studio } from '../../main/core/studio';

const [dir, home, configJson] = process.argv.slice(2);
const studio = new Studio({ shell: 'server', configDir: home });
studio.openProject(dir!);
const { runner } = studio.requireProject();
const run = runner.start('train.run', JSON.parse(configJson!));
process.stdout.write(`TRAINING ${run.id}\n`);
let last = 0;
studio.events.subscribe((event, payload) => {
  if (event !== 'run.updated') return;
  const p = payload as { id: string; progressMessage?: string | null };
  const step = Number(/^step (\d+)\//.exec(p.progressMessage ?? '')?.[1] ?? 0);
  // Progress is throttled: a step whose update was dropped is printed with the next one, so a reader
  // waiting for "STEP n" never misses it.
  if (p.id === run.id) for (; last < step;) process.stdout.write(`STEP ${++last}\n`);
});
setInterval(() => undefined, 1000);
