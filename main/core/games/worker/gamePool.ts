// The rollout job's side of the game worker threads: each episode lives in one
// worker, and the job sees it through a WorkerEnv, a read-only mirror of the
// env (turn, done, the last frame, the admissible actions) that a policy can
// read like a local one. Playing a turn and the expert's move are calls into
// the worker; a cancel rejects them at once and close() terminates the threads.
import { availableParallelism } from 'node:os';
import type { GameEnv, GameId, Observation, ParsedReply } from '../types';
import type { Reply } from '../../policies/types';
import { rpcWorker, type RpcWorker } from '../../util/workerThread';

interface View {
  obs: { png: Uint8Array; width: number; height: number; text: string | null };
  prompt: string | null;
  turn: number;
  done: boolean;
  won: boolean;
  totalReward: number;
  maxTurns: number;
  admissible: string[];
}

export interface TurnResult {
  parsed: ParsedReply;
  result: { action: string | null; reward: number; done: boolean; won: boolean; effective: boolean };
}

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export class WorkerEnv implements GameEnv {
  private v!: View;
  private o!: Observation;
  constructor(
    private readonly worker: RpcWorker,
    private readonly key: string,
    readonly gameId: GameId,
    readonly seed: number,
    first: View,
  ) {
    this.mirror(first);
  }
  private mirror(v: View): void {
    this.v = v;
    this.o = { png: asBuffer(v.obs.png), width: v.obs.width, height: v.obs.height, text: v.obs.text };
  }
  get turn(): number {
    return this.v.turn;
  }
  get maxTurns(): number {
    return this.v.maxTurns;
  }
  get done(): boolean {
    return this.v.done;
  }
  get won(): boolean {
    return this.v.won;
  }
  get totalReward(): number {
    return this.v.totalReward;
  }
  /** The user message for the current turn (null once done). */
  get prompt(): string | null {
    return this.v.prompt;
  }
  observe(): Observation {
    return this.o;
  }
  admissibleActions(): string[] {
    return [...this.v.admissible];
  }
  reset(): Observation {
    throw new Error('this env lives in the game worker: it is reset when opened');
  }
  step(): never {
    throw new Error('this env lives in the game worker: play a turn with play(reply)');
  }
  /** Parses the reply with the game's parser and applies its action, in the worker. */
  async play(reply: string, signal: AbortSignal): Promise<TurnResult> {
    const r = await this.worker.call<View & TurnResult>({ type: 'step', key: this.key, reply }, signal);
    this.mirror(r);
    return { parsed: r.parsed, result: r.result };
  }
  /** The built-in expert's reply for the current state, planned in the worker. */
  expert(signal: AbortSignal): Promise<Reply> {
    return this.worker
      .call<{ text: string; latencyMs: number }>({ type: 'expert', key: this.key }, signal)
      .then((r) => ({ text: r.text, promptTokens: null, completionTokens: null, latencyMs: r.latencyMs }));
  }
  /** Frees the episode in its worker; not awaited: after a cancel the worker may still be busy, and is terminated anyway. */
  close(): void {
    this.worker.call({ type: 'close', key: this.key }).catch(() => undefined); // a dead worker holds nothing
  }
}

export class GamePool {
  private readonly workers: RpcWorker[];
  private opened = 0;
  constructor(concurrency: number) {
    // One thread per episode played at once, leaving a core for the UI thread and the database.
    const n = Math.max(1, Math.min(concurrency, availableParallelism() - 1, 4));
    this.workers = Array.from({ length: n }, (_, i) => rpcWorker('gameWorker', n > 1 ? `game worker ${i + 1}` : 'game worker'));
  }
  get size(): number {
    return this.workers.length;
  }
  threadIds(): number[] {
    return this.workers.map((w) => w.threadId);
  }
  async open(o: { game: GameId; settings: unknown; seed: number; historyTurns: number }, signal: AbortSignal): Promise<WorkerEnv> {
    const worker = this.workers[this.opened % this.workers.length]!;
    const key = `e${this.opened++}`;
    const first = await worker.call<View>({ type: 'open', key, ...o }, signal);
    return new WorkerEnv(worker, key, o.game, o.seed, first);
  }
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
