// What the Train job and its trainer worker process say to each other (trainJob.ts ⇄ trainerWorker.ts),
// declared once for both directions. Each side checks what arrives: the other side is another process
// (one that crashed mid-run, another build's worker, a stand-in a test forks), so a message that is not
// one of these fails the run with a sentence naming it, never an undefined access further on.
import { z } from 'zod';
import { describeZodError } from '../../../../preload/contract';
import type { LoopInput, TrainSettings } from './loop';

// NaN and ±inf are real values here (a diverged loss is recorded as one); zod's number() refuses them.
const anyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const step = z.number().int().min(0);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Worker → job. */
export const WorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('metric'), name: z.string(), step, value: anyNumber }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn']), message: z.string() }),
  z.object({ type: z.literal('progress'), fraction: z.number(), message: z.string() }),
  z.object({ type: z.literal('checkpoint'), dir: z.string().min(1), step, metrics: z.record(z.string(), anyNumber) }),
  z.object({ type: z.literal('done'), steps: step, stopped: z.boolean(), finalLoss: anyNumber.nullable(), validationLoss: anyNumber.nullable() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;

// The run's settings were checked against the contract when the job started; here only their shape.
const LoopInputSchema = z.object({
  modelDir: z.string().min(1),
  datasetDir: z.string().min(1),
  outDir: z.string().min(1),
  settings: z.custom<TrainSettings>(isRecord, 'expected the run settings'),
  baseModelId: z.string().nullable().optional(),
  resumeDir: z.string().optional(),
  initAdapterDir: z.string().optional(),
});

/** Job → worker. */
export const JobMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('start'), input: LoopInputSchema }), z.object({ type: z.literal('stop') })]);
export type JobMessage = z.infer<typeof JobMessage>;

// The worker hands `input` to trainLoop: the schema must describe a LoopInput (checked by the compiler).
const _inputIsLoopInput: (i: z.infer<typeof LoopInputSchema>) => LoopInput = (i) => i;
void _inputIsLoopInput;

/** A message from the other process, checked: the message, or a sentence saying what arrived instead. */
export function readMessage<S extends typeof WorkerMessage | typeof JobMessage>(
  schema: S,
  raw: unknown,
  from: string,
): { ok: true; message: z.infer<S> } | { ok: false; problem: string } {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, message: r.data as z.infer<S> };
  const what = isRecord(raw) && typeof raw.type === 'string' ? `a '${raw.type}' message` : `${JSON.stringify(raw)?.slice(0, 80) ?? String(raw)}`;
  return { ok: false, problem: `${from} sent ${what} that is not part of the trainer protocol (${describeZodError(r.error, 'message')})` };
}

/** For a switch over every message type: the compiler fails when a type is left unhandled. */
export function unhandled(m: never): never {
  throw new Error(`unhandled trainer message ${JSON.stringify(m)}`);
}
