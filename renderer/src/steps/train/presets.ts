// Starting points for a run; every field stays editable.
export interface TrainPreset {
  id: string;
  label: string;
  r: number;
  alpha: number;
  lr: number;
  warmupSteps: number;
  batchSize: number;
  gradAccum: number;
  dtype: 'float32' | 'bfloat16';
  quant: 'none' | 'nf4' | 'nf4-dq';
  optimizer: 'adamw' | 'adamw-8bit';
  device: string;
  gradientCheckpointing: boolean;
  /** The accumulated batch's loss: per target token, or per micro-batch as transformers' Trainer. */
  lossAverage: 'tokens' | 'micro-batch';
  maxSteps: string; // '' = epochs decide
  note: string;
}

export const PRESETS: TrainPreset[] = [
  {
    id: 'notebook',
    label: 'Notebook QLoRA (NF4 + double quant, r=32, α=32, lr 2e-4, batch 2 × 8)',
    r: 32,
    alpha: 32,
    lr: 2e-4,
    warmupSteps: 5,
    batchSize: 2,
    gradAccum: 8,
    dtype: 'bfloat16',
    quant: 'nf4-dq',
    optimizer: 'adamw-8bit',
    device: 'cuda',
    gradientCheckpointing: true,
    lossAverage: 'micro-batch',
    maxSteps: '',
    note: "The setup of the ARLArena notebook on Qwen3-VL-4B-Instruct: 4-bit NF4 base projections with double quantisation, bf16 compute, LoRA on all seven projections, 8-bit AdamW, gradient checkpointing (TRL's SFTConfig default), and the loss averaged per micro-batch as the Trainer does, so its losses and gradients match the notebook's.",
  },
  {
    id: 'lora-bf16',
    label: 'LoRA bf16 for larger GPUs (r=64, α=128, lr 1e-4, batch 4 × 4)',
    r: 64,
    alpha: 128,
    lr: 1e-4,
    warmupSteps: 10,
    batchSize: 4,
    gradAccum: 4,
    dtype: 'bfloat16',
    quant: 'none',
    optimizer: 'adamw',
    device: 'cuda',
    gradientCheckpointing: false,
    lossAverage: 'tokens',
    maxSteps: '',
    note: 'bf16 weights and activations on the GPU; LoRA weights and optimizer state in fp32.',
  },
  {
    id: 'cpu-check',
    label: 'Quick CPU check (r=8, α=16, lr 1e-2, 30 steps)',
    r: 8,
    alpha: 16,
    lr: 1e-2,
    warmupSteps: 1,
    batchSize: 2,
    gradAccum: 1,
    dtype: 'float32',
    quant: 'none',
    optimizer: 'adamw',
    device: 'cpu',
    gradientCheckpointing: false,
    lossAverage: 'tokens',
    maxSteps: '30',
    note: 'For tiny models: checks the pipeline end to end in a minute.',
  },
];
