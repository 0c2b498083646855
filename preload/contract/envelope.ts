// Wire envelopes and their validation. Errors name the method and the field.
import { z } from 'zod';
import { events, methods, type EventName, type MethodName } from './methods';

export const RequestEnvelope = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().min(1),
  params: z.unknown().optional(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export const ErrorInfo = z.object({ code: z.string(), message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export const ResponseEnvelope = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: ErrorInfo }),
]);
export type ResponseEnvelope = z.infer<typeof ResponseEnvelope>;

export const EventEnvelope = z.object({ event: z.string(), payload: z.unknown() });
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** An error the other side may show to a user as it is. */
export class ContractError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Every issue as "path: message" (rootName where the issue is about the whole value), joined by "; ". */
export function describeZodError(err: z.ZodError, rootName = '(root)'): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : rootName}: ${i.message}`).join('; ');
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export function parseParams(method: string, params: unknown): { method: MethodName; params: unknown } {
  if (!isMethodName(method)) throw new ContractError('unknown_method', `unknown method '${method}'`);
  const r = methods[method].params.safeParse(params ?? {});
  if (!r.success) throw new ContractError('invalid_params', `invalid params for ${method}: ${describeZodError(r.error)}`);
  return { method, params: r.data };
}

export function parseResult(method: MethodName, result: unknown): unknown {
  const r = methods[method].result.safeParse(result);
  if (!r.success) throw new ContractError('invalid_result', `invalid result from ${method}: ${describeZodError(r.error)}`);
  return r.data;
}

export function parseEvent(envelope: unknown): { event: EventName; payload: unknown } {
  const e = EventEnvelope.safeParse(envelope);
  if (!e.success) throw new ContractError('invalid_event', `invalid event: ${describeZodError(e.error)}`);
  const name = e.data.event;
  if (!Object.prototype.hasOwnProperty.call(events, name)) throw new ContractError('unknown_event', `unknown event '${name}'`);
  const p = events[name as EventName].safeParse(e.data.payload);
  if (!p.success) throw new ContractError('invalid_event', `invalid payload for event ${name}: ${describeZodError(p.error)}`);
  return { event: name as EventName, payload: p.data };
}
