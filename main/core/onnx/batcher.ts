// Gathers generation requests from concurrent episodes into batches: one
// model call serves every episode waiting for a reply. A batch starts when it
// is full or shortly after its first request arrives (the other episodes are
// usually only a game step behind), and one batch runs at a time.
import { CancelledError } from '../util/errors';
import type { BatchStats, GenerationRequest, GenerationResult } from './generate';

type RunBatch = (reqs: GenerationRequest[]) => Promise<{ results: GenerationResult[]; stats: BatchStats }>;

interface Pending {
  req: GenerationRequest;
  signal?: AbortSignal;
  resolve(r: GenerationResult): void;
  reject(e: unknown): void;
}

export class GenerationBatcher {
  private queue: Pending[] = [];
  private running = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly runBatch: RunBatch,
    private readonly maxBatch: number,
    private readonly onBatch: (s: BatchStats) => void = () => {},
    private readonly windowMs = 5,
  ) {}

  submit(req: GenerationRequest, signal?: AbortSignal): Promise<GenerationResult> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      this.queue.push({ req, signal, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return;
    if (this.queue.length >= this.maxBatch) {
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
  }

  private async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) return;
    // Requests whose episode was cancelled while waiting leave without a model call.
    this.queue = this.queue.filter((p) => (p.signal?.aborted ? (p.reject(new CancelledError()), false) : true));
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.running = true;
    try {
      const { results, stats } = await this.runBatch(batch.map((p) => p.req));
      batch.forEach((p, i) => p.resolve(results[i]!));
      this.onBatch(stats);
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.running = false;
      if (this.queue.length) this.schedule();
    }
  }
}
