// The worker side of rpcWorker (util/workerThread.ts): one answer per request
// id; a handler that throws answers with its message (the job decides what
// that costs), never ends the thread.
import { parentPort } from 'node:worker_threads';

export type Handler = (msg: Record<string, unknown>) => Promise<{ value: unknown; transfer?: ArrayBuffer[] }> | { value: unknown; transfer?: ArrayBuffer[] };

export function serve(handlers: Record<string, Handler>): void {
  const port = parentPort;
  if (!port) throw new Error('this file runs as a worker thread');
  port.on('message', (msg: Record<string, unknown> & { id: number; type: string }) => {
    void (async () => {
      try {
        const h = handlers[msg.type];
        if (!h) throw new Error(`unknown request '${msg.type}'`);
        const r = await h(msg);
        port.postMessage({ id: msg.id, ok: true, value: r.value }, r.transfer ?? []);
      } catch (err) {
        port.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
}

/** An exact-size copy whose memory can be moved to the other thread (no pool slab copied along). */
export function movable(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}
