// The one way into the core for every transport (Electron IPC, the server's
// WebSocket, the CLI): a request is checked against the contract, handled, and
// its result checked too. Handlers never learn which transport called them.
import type { z } from 'zod';
import type { MethodName, Methods, Params, Result } from '../../../preload/contract';
import { ContractError, parseParams, parseResult } from '../../../preload/contract';
import { StudioError } from '../util/errors';

type In<M extends MethodName> = z.output<Methods[M]['params']>;
export type Handlers = { [M in MethodName]: (params: In<M>) => Result<M> | Promise<Result<M>> };

export interface Dispatcher {
  /** A call from a transport: method and params as they came off the wire. */
  handle(method: string, params: unknown): Promise<unknown>;
  /** The same, typed, for in-process callers (the CLI). */
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
}

/** mapError turns a handler's failure into what the caller should see (e.g. who holds a read-only project). */
export function createDispatcher(handlers: Handlers, mapError: (err: unknown) => unknown = (err) => err): Dispatcher {
  const handle = async (method: string, params: unknown): Promise<unknown> => {
    const req = parseParams(method, params);
    const fn = handlers[req.method] as (p: unknown) => unknown;
    let result: unknown;
    try {
      result = await fn(req.params);
    } catch (err) {
      throw mapError(err);
    }
    return parseResult(req.method, result);
  };
  return { handle, call: async (method, params) => (await handle(method, params)) as never };
}

/** Turns anything a dispatch threw into the wire error shape. */
export function toWireError(err: unknown): { code: string; message: string } {
  if (err instanceof StudioError || err instanceof ContractError) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
