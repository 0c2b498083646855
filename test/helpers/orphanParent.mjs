// A stand-in for the app in test/unit/steps/train/trainRobust.test.ts: forks the trainer
// worker, starts a run, prints the worker's pid once it has trained a step, then
// waits to be killed (SIGKILL), leaving the worker orphaned.
import { fork } from 'node:child_process';
import { openSync } from 'node:fs';

const [worker, inputJson, logFile] = process.argv.slice(2);
const log = openSync(logFile, 'a');
const child = fork(worker, [], { stdio: ['ignore', log, log, 'ipc'], serialization: 'advanced' });
child.on('message', (m) => {
  if (m.type === 'metric' && m.name === 'loss') process.stdout.write(`worker ${child.pid} step ${m.step}\n`);
});
child.send({ type: 'start', input: JSON.parse(inputJson) });
setInterval(() => undefined, 1000);
