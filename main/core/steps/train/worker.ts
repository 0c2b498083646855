// The trainer worker process. The main process forks it for each run, so a
// crash or an out-of-memory kill ends this process only; the app and the
// project database stay up and the job reports why. Messages in: start, stop.
// Messages out: metric, log, progress, checkpoint, done, error.
import { type LoopInput, trainLoop } from './loop';

type In = { type: 'start'; input: LoopInput } | { type: 'stop' };

let stop = false;
const send = (m: Record<string, unknown>): void => {
  process.send?.(m);
};

process.on('message', (msg: In) => {
  if (msg.type === 'stop') {
    stop = true;
    return;
  }
  if (msg.type !== 'start') return;
  trainLoop(
    msg.input,
    {
      metric: (name, step, value) => send({ type: 'metric', name, step, value }),
      log: (level, message) => send({ type: 'log', level, message }),
      progress: (fraction, message) => send({ type: 'progress', fraction, message }),
      checkpoint: (c) => send({ type: 'checkpoint', ...c }),
    },
    () => stop,
  )
    .then((r) => {
      send({ type: 'done', ...r });
      process.disconnect?.();
    })
    .catch((err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      process.exitCode = 1;
      process.disconnect?.();
    });
});

// Orphaned (the app went away): stop, do not keep the GPU busy for nobody.
process.on('disconnect', () => {
  stop = true;
});
