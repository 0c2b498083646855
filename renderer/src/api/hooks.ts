// React glue for the client: connection state, event subscriptions and a small
// query hook that refetches whenever the connection comes back.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { EventName, EventPayload, MethodName, Params, Result } from '../../../preload/contract';
import { errorText, studio } from './client';
import type { ConnectionState } from './connection';

export function useConnection(): ConnectionState {
  return useSyncExternalStore(studio.onConnection, studio.connection);
}

/** Subscribes to an event for the component's lifetime; the latest callback is always used. */
export function useStudioEvent<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): void {
  const ref = useRef(cb);
  ref.current = cb;
  useEffect(() => studio.on(event, (p) => ref.current(p)), [event]);
}

export interface Query<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
  /** Replaces the data locally, e.g. with the result of a mutation. */
  set: (value: T) => void;
}

/**
 * Runs `method(params)` on mount, when params change, when `key` changes and
 * after every reconnect. Pass `enabled: false` to hold off.
 */
export function useStudioQuery<M extends MethodName>(method: M, params: Params<M>, opts: { enabled?: boolean; key?: unknown } = {}): Query<Result<M>> {
  const { epoch } = useConnection();
  const enabled = opts.enabled ?? true;
  const paramsKey = JSON.stringify(params);
  const [data, setData] = useState<Result<M> | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(enabled);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setLoading(true);
    studio
      .call(method, JSON.parse(paramsKey) as Params<M>)
      .then((r) => {
        if (!live) return;
        setData(r);
        setError(null);
      })
      .catch((err: unknown) => {
        if (live) setError(errorText(err));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [method, paramsKey, enabled, epoch, tick, opts.key]);

  return { data, error, loading, reload, set: setData };
}
