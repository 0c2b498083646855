// The GiGPO hyper-parameters the RL form shows, with defaults and bounds read
// from the contract's schema so the form and the core cannot disagree.
import type { z } from 'zod';
import { GigpoHyperParams } from '../../../../preload/contract';

type Params = z.output<typeof GigpoHyperParams>;
export type NumberKey = {
  [K in keyof Params]-?: Params[K] extends number ? K : never;
}[keyof Params];

export const GIGPO_DEFAULTS: Params = GigpoHyperParams.parse({});

export const NUMBER_FIELDS: readonly { key: NumberKey; label: string }[] = [
  { key: 'groupSize', label: 'Group size' },
  { key: 'trainDataSize', label: 'Env groups per step' },
  { key: 'ppoMiniBatchSize', label: 'PPO mini-batch size' },
  { key: 'lr', label: 'Learning rate' },
  { key: 'klLossCoef', label: 'KL loss coefficient' },
  { key: 'maxTurns', label: 'Max turns per episode' },
  { key: 'tensorParallelSize', label: 'Tensor parallel size' },
  { key: 'gpusPerNode', label: 'GPUs per node' },
  { key: 'nodes', label: 'Nodes' },
];

export const labelOf = (key: string): string => NUMBER_FIELDS.find((f) => f.key === key)?.label ?? key;
