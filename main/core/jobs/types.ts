// What a job kind provides, and what the runner hands a running job.
import type { z } from 'zod';
import type { Artifact, ArtifactKind, StepId } from '../../../preload/contract';
import type { Project } from '../project/project';

export interface OutputSpec {
  path: string;
  kind: ArtifactKind;
  name: string;
  meta?: Record<string, unknown>;
  /** Known already (e.g. computed while writing); otherwise hashed now. */
  sha256?: string;
  sizeBytes?: number;
}

export interface JobContext<C> {
  readonly runId: string;
  readonly config: C;
  readonly signal: AbortSignal;
  readonly project: Project;
  /** fraction in [0, 1]; cheap to call often (throttled). */
  progress(fraction: number, message?: string): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  metric(name: string, step: number, value: number): void;
  /**
   * Uses an artifact of the project as this run's input: records it (lineage, under `role`), checks that its
   * kind is one of `kinds` and returns it. `expected` says in words what the role takes (for the error);
   * without it the kinds are named.
   */
  input<K extends ArtifactKind>(artifactId: string, role: string, kinds: readonly K[], expected?: string): Artifact & { kind: K };
  /** Registers a file or folder this run produced (lineage, size, sha256). */
  addOutput(spec: OutputSpec): Promise<Artifact>;
  throwIfCancelled(): void;
  /**
   * A file or folder this run is about to write (not there yet): if the run fails or is cancelled while no
   * registered output lives in it, it is removed then, and the log says so. Returns the path.
   */
  ownOutput(path: string): string;
}

export interface JobDefinition<C = unknown> {
  kind: string;
  step: StepId | null;
  schema: z.ZodType<C>;
  title(config: C): string;
  /** What of the config may be stored (secrets removed); the whole config when absent. */
  redact?(config: C): C;
  /**
   * Fills in what the config leaves to the app (e.g. the ONNX provider chosen on the System page), after
   * validation and before the run is stored, so the run records what it used.
   */
  prepare?(config: C): C;
  run(ctx: JobContext<C>): Promise<void>;
  /** Stopping it keeps what it did for a resume (the run ends 'paused', not 'cancelled'). */
  pausable?: boolean;
}
