// The trainer worker process. The main process forks it for each run, so a
// crash or an out-of-memory kill ends this process only; the app and the
// project database stay up and the job reports why. The messages both ways are
// trainerMessages.ts's; what arrives is checked, and a message that is not one of
// them ends the run with an error naming it.
// Orphaned (the parent died: the IPC channel closed) it stops after the current
// step, saves its stop checkpoint and exits 0; nothing it sends then can throw.
import { trainLoop } from './loop';
import { describeEngineFailure } from '../../native/engine';
import { JobMessage, readMessage, unhandled, type WorkerMessage } from './trainerMessages';

let stop = false;
let started = false;
let orphaned = false;
const send = (m: WorkerMessage): void => {
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

const finish = (m: WorkerMessage, failed: boolean): void => {
  send(m);
  if (failed) process.exitCode = 1;
  if (process.connected) process.disconnect();
};

process.on('message', (raw: unknown) => {
  const read = readMessage(JobMessage, raw, 'the Train job');
  if (!read.ok) {
    stop = true; // a run in progress stops after its step and saves its checkpoint; none starts
    if (!started) return finish({ type: 'error', message: read.problem }, true);
    send({ type: 'error', message: read.problem });
    process.exitCode = 1;
    return;
  }
  const msg = read.message;
  switch (msg.type) {
    case 'stop':
      stop = true;
      return;
    case 'start':
      if (started) return; // one run per process
      started = true;
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
        .then((r) => finish({ type: 'done', ...r }, false))
        .catch((err: unknown) => finish({ type: 'error', message: describeEngineFailure(err) }, true));
      return;
    default:
      unhandled(msg);
  }
});

// Orphaned (the app went away): stop after this step and save, do not keep the GPU busy for nobody.
process.on('disconnect', () => {
  orphaned = true;
  stop = true;
});
