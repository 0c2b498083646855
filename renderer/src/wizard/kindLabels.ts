// Human names for artifact kinds, and which step makes each one.
import type { ArtifactKind, StepInfo } from '../../../preload/contract';

export const KIND_LABEL: Record<ArtifactKind, string> = {
  trajectories: 'trajectories',
  'dataset-json': 'accepted datasets (JSON)',
  'dataset-parquet': 'converted datasets (Parquet)',
  'base-model': 'base models',
  adapter: 'LoRA adapters',
  'merged-model': 'merged models',
  'rl-launch': 'RL launch folders',
  'onnx-model': 'ONNX models (local policy)',
  file: 'files',
};

/** "Produced by step 3, Convert" — or plainly that no step makes it and it must be imported. */
export function whoProduces(kind: ArtifactKind, steps: StepInfo[], canImport: boolean): string {
  const producer = steps.find((s) => s.outputs.includes(kind));
  const importHint = canImport ? ' Import existing ones below.' : '';
  if (!producer) return `None yet. No step of the wizard makes ${KIND_LABEL[kind]}.${importHint}`;
  return `None yet. Step ${producer.index + 1}, ${producer.title}, produces ${KIND_LABEL[kind]}.${importHint}`;
}
