// The typed studio client the whole UI uses. It picks the transport (Electron
// preload bridge or WebSocket), checks params before they leave, and checks
// every result and event against the shared contract when they arrive.
import { parseEvent, parseParams, parseResult, type EventName, type EventPayload, type MethodName, type Params, type Result, type StudioBridge } from '../../../preload/contract';
import { ALWAYS_CONNECTED, type ConnectionSource, type ConnectionState } from './connection';
import { takeTokenFromUrl } from './token';
import { readableError } from './fieldErrors';
import { WebSocketBridge, studioSocketUrl } from './wsBridge';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in an ordinary browser. */
    studio?: StudioBridge;
  }
}

type AnyListener = (payload: unknown) => void;

function createClient() {
  const preload = window.studio;
  const ws = preload ? null : new WebSocketBridge(studioSocketUrl(takeTokenFromUrl()));
  const bridge: StudioBridge = preload ?? (ws as WebSocketBridge);
  const connection: ConnectionSource = ws ?? {
    getConnection: () => ALWAYS_CONNECTED,
    onConnection: () => () => undefined,
    retryNow: () => undefined,
  };

  const listeners = new Map<EventName, Set<AnyListener>>();
  bridge.on((event, payload) => {
    let parsed: { event: EventName; payload: unknown };
    try {
      parsed = parseEvent({ event, payload });
    } catch (err) {
      // A contract violation is a bug in the core; say so where developers look.
      console.error(err instanceof Error ? err.message : err);
      return;
    }
    for (const l of listeners.get(parsed.event) ?? []) l(parsed.payload);
  });

  return {
    /** Calls a core method; rejects with a human-readable Error on failure. */
    async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
      const checked = parseParams(method, params);
      const raw = await bridge.call(method, checked.params);
      return parseResult(method, raw) as Result<M>;
    },
    /** Subscribes to a core event; returns the unsubscribe function. */
    on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = cb as AnyListener;
      set.add(l);
      return () => set.delete(l);
    },
    connection(): ConnectionState {
      return connection.getConnection();
    },
    onConnection(cb: (state: ConnectionState) => void): () => void {
      return connection.onConnection(cb);
    },
    retryNow(): void {
      connection.retryNow();
    },
  };
}

export type StudioClient = ReturnType<typeof createClient>;

export const studio: StudioClient = createClient();

/** The message to show a user for a failed call: the core writes them to be read as they are, validation errors aside. */
export function errorText(err: unknown): string {
  // Validation errors come worded for developers (method and field paths): reword them.
  return readableError(err instanceof Error ? err.message : String(err));
}
