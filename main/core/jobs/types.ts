// What a job kind provides, and what the runner hands a running job.
import type { z } from 'zod';
import type { Artifact, ArtifactKind, StepId } from '../../../preload/contract';
import type { ArtifactRow } from '../db/store';
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
  /** Records an existing artifact as an input of this run (lineage). */
  useInput(artifactId: string, role?: string): ArtifactRow;
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
  run(ctx: JobContext<C>): Promise<void>;
  /** Stopping it keeps what it did for a resume (the run ends 'paused', not 'cancelled'). */
  pausable?: boolean;
}
