// User-supplied regular expressions (adapter_config.json's target_modules,
// rank_pattern, alpha_pattern) run in a worker thread with a deadline: a
// pattern that backtracks catastrophically, e.g. (\w+\.?)+X, costs at most the
// deadline instead of freezing the thread that answers the UI. The call stays
// synchronous (Atomics.wait on a shared flag), so callers need not change shape.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

export const MAX_PATTERN_CHARS = 4096;
export const MAX_SUBJECT_CHARS = 1024;
export const MAX_SUBJECTS = 100_000;
export const DEFAULT_REGEX_TIMEOUT_MS = 500;
// Starting a worker is not the pattern's fault: it gets its own, generous wait.
const STARTUP_TIMEOUT_MS = 15_000;

export class RegexError extends Error {}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const port = workerData.port;
const ready = new Int32Array(workerData.ready);
Atomics.store(ready, 0, 1);
Atomics.notify(ready, 0);
port.on('message', ({ source, flags, subjects, sab }) => {
  let reply;
  try {
    const re = new RegExp(source, flags);
    reply = { ok: true, result: subjects.map((s) => re.test(s)) };
  } catch (e) {
    reply = { ok: false, error: String((e && e.message) || e) };
  }
  port.postMessage(reply);
  const flag = new Int32Array(sab);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let current: { worker: Worker; port: MessagePort } | null = null;

function worker(): { worker: Worker; port: MessagePort } {
  if (current) return current;
  const { port1, port2 } = new MessageChannel();
  const ready = new SharedArrayBuffer(4);
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, ready }, transferList: [port2] });
  if (Atomics.wait(new Int32Array(ready), 0, 0, STARTUP_TIMEOUT_MS) === 'timed-out') {
    void w.terminate();
    throw new RegexError('the regex worker did not start');
  }
  w.unref();
  port1.unref();
  w.on('error', () => {
    if (current?.worker === w) current = null;
  });
  current = { worker: w, port: port1 };
  return current;
}

/** Python's named-group spellings, which PEFT configs may use, in JavaScript's form. */
export function pythonToJsRegex(source: string): string {
  return source
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\Z/g, '$')
    .replace(/\\A/g, '^');
}

/**
 * Tests every subject against one pattern, off this thread, within timeoutMs.
 * Throws RegexError (saying why) for a pattern that is too long, invalid, or too slow.
 */
export function safeRegexTest(source: string, subjects: readonly string[], opts: { flags?: string; timeoutMs?: number } = {}): boolean[] {
  if (source.length > MAX_PATTERN_CHARS) throw new RegexError(`the pattern is ${source.length} characters long (limit ${MAX_PATTERN_CHARS})`);
  if (subjects.length > MAX_SUBJECTS) throw new RegexError(`too many names to match (${subjects.length}, limit ${MAX_SUBJECTS})`);
  const long = subjects.find((s) => s.length > MAX_SUBJECT_CHARS);
  if (long !== undefined) throw new RegexError(`a name to match is ${long.length} characters long (limit ${MAX_SUBJECT_CHARS})`);
  if (subjects.length === 0) return [];
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REGEX_TIMEOUT_MS;
  const sab = new SharedArrayBuffer(4);
  const flag = new Int32Array(sab);
  const w = worker();
  w.port.postMessage({ source, flags: opts.flags ?? '', subjects: [...subjects], sab });
  const waited = Atomics.wait(flag, 0, 0, timeoutMs);
  if (waited === 'timed-out') {
    // Abandon the worker mid-match; the next call starts a fresh one.
    current = null;
    void w.worker.terminate();
    w.port.close();
    throw new RegexError(`the pattern took longer than ${timeoutMs} ms to match ${subjects.length} name(s) (catastrophic backtracking?); simplify it`);
  }
  const msg = receiveMessageOnPort(w.port)?.message as { ok: true; result: boolean[] } | { ok: false; error: string } | undefined;
  if (!msg) throw new RegexError('the regex worker gave no answer');
  if (!msg.ok) throw new RegexError(`not a valid regular expression (${msg.error})`);
  return msg.result;
}
