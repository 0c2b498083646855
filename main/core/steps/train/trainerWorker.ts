// The trainer worker process. The main process forks it for each run, so a
// crash or an out-of-memory kill ends this process only; the app and the
// project database stay up and the job reports why. Messages in: start, stop.
// Messages out: metric, log, progress, checkpoint, done, error.
// Orphaned (the parent died: the IPC channel closed) it stops after the current
// step, saves its stop checkpoint and exits 0; nothing it sends then can throw.
import { type LoopInput, trainLoop } from './loop';
import { describeEngineFailure } from '../../native/engine';

type In = { type: 'start'; input: LoopInput } | { type: 'stop' };

let stop = false;
let orphaned = false;
const send = (m: Record<string, unknown>): void => {
  if (orphaned || !process.connected || !process.send) return;
  try {
    // The callback takes a send that failed because the channel just closed (else an 'error' event).
    process.send(m, undefined, {}, () => undefined);
  } catch {
    // the channel closed between the check and the send: the parent is gone
  }
};
// A write to a pipe whose reader died, or an IPC error, must not end the process before its checkpoint.
process.on('error', () => undefined);
process.stdout?.on('error', () => undefined);
process.stderr?.on('error', () => undefined);

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
      if (process.connected) process.disconnect();
    })
    .catch((err: unknown) => {
      send({ type: 'error', message: describeEngineFailure(err) });
      process.exitCode = 1;
      if (process.connected) process.disconnect();
    });
});

// Orphaned (the app went away): stop after this step and save, do not keep the GPU busy for nobody.
process.on('disconnect', () => {
  orphaned = true;
  stop = true;
});
