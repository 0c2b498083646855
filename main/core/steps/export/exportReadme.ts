// README.md and requirements.txt of an exported training project.
import type { DatasetFacts, ExportConfig } from './trainExport';

export function requirements(c: ExportConfig): string {
  return [
    '# Versions the exported script was written against (Qwen3-VL needs transformers 4.57 or newer).',
    'torch>=2.4',
    'transformers>=4.57.1',
    'trl>=0.20',
    'peft>=0.17',
    'accelerate>=1.10',
    'datasets>=3.0',
    'pillow',
    ...(c.strategy.startsWith('deepspeed') ? ['deepspeed>=0.15'] : []),
    ...(c.qlora ? ['bitsandbytes>=0.45'] : []),
    '',
  ].join('\n');
}

export interface ReadmeInput {
  config: ExportConfig;
  base: string;
  dataset: DatasetFacts;
  createdAt: string;
}

const rows = (n: number | null): string => (n === null ? '? rows' : `${n} rows`);

export function exportReadme(r: ReadmeInput): string {
  const c = r.config;
  const procs = c.gpus * c.nodes;
  const effective = c.perDeviceBatchSize * c.gradAccum * procs;
  const strategy = c.strategy === 'fsdp' ? 'FSDP (full shard)' : `DeepSpeed ZeRO-${c.strategy.endsWith('3') ? 3 : 2} (ds_config.json)`;
  return `# SFT training project: ${r.dataset.name}

Written by VLM SFT Studio on ${r.createdAt}: the studio's LoRA SFT run as a TRL + accelerate project for a multi-GPU or multi-node cluster.

| file | what it is |
| --- | --- |
| \`train_sft.py\` | TRL \`SFTTrainer\` with a PEFT ${c.qlora ? 'QLoRA (4-bit NF4, double quantization, bf16 compute)' : 'LoRA'} adapter on the Parquet below |
| \`train_config.json\` | every setting of the run; paths in it are relative to this folder |
| \`accelerate_config.yaml\` | ${strategy}, ${c.nodes} machine(s) × ${c.gpus} GPU(s) |
${c.strategy === 'fsdp' ? '' : '| `ds_config.json` | the DeepSpeed settings; batch sizes and precision are "auto", filled from train_config.json |\n'}| \`launch.sh\` | \`accelerate launch\` with the machine count, rank and rank-0 address |
| \`data/train.parquet\` | ${rows(r.dataset.train.rows)}: \`messages\` (the chat, with an image part at each frame) and \`images\` (PNG frames) |
${r.dataset.validation ? `| \`data/validation.parquet\` | ${rows(r.dataset.validation.rows)}, evaluated every 100 steps |\n` : ''}| \`requirements.txt\` | the Python packages |

## Settings

| setting | value |
| --- | --- |
| base model | \`${r.base}\` |
| LoRA | r=${c.lora.r}, alpha=${c.lora.alpha}, dropout=${c.lora.dropout}, on ${c.lora.targets.join(', ')} |
| quantization | ${c.qlora ? 'QLoRA: 4-bit NF4 base weights' : 'none (bf16 base weights)'} |
| loss | ${c.lossOn === 'assistant' ? 'assistant replies only (their end-of-turn token included)' : 'every token but padding'} |
| optimizer | AdamW, lr ${c.lr}, cosine schedule, warm-up ratio ${c.warmupRatio} |
| length | ${c.maxSteps ? `${c.maxSteps} steps` : `${c.epochs} epoch(s)`} |
| batch | ${c.perDeviceBatchSize} per GPU × ${c.gradAccum} accumulation × ${procs} GPUs = ${effective} samples per step |
| precision | bf16, gradient checkpointing |

${r.base.startsWith('/') ? `The base model is the folder \`${r.base}\`: put it at that path on every machine, or set \`base_model\` in train_config.json to its path there (or to a Hub id).\n` : ''}
## Run it

\`\`\`sh
pip install -r requirements.txt
\`\`\`

One machine with ${c.gpus} GPU(s):

\`\`\`sh
NUM_MACHINES=1 bash launch.sh
\`\`\`

${c.nodes} machine(s), this folder at the same path on each (a shared file system is simplest). On every machine:

\`\`\`sh
MACHINE_RANK=<0…${c.nodes - 1}> MAIN_PROCESS_IP=<address of rank 0> bash launch.sh
\`\`\`

Under Slurm (one task per node; \`launch.sh\` reads \`SLURM_NODEID\` as the rank):

\`\`\`sh
srun --nodes=${c.nodes} --ntasks-per-node=1 --gpus-per-node=${c.gpus} \\
  bash -c 'MAIN_PROCESS_IP=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n1) bash launch.sh'
\`\`\`

\`NUM_MACHINES\` and \`GPUS_PER_MACHINE\` override the counts; \`bash launch.sh --max_steps 10\` makes a quick trial run.
Checkpoints go to \`output/\` every 100 steps (\`--resume_from_checkpoint\` continues the latest); the final adapter and the processor are saved there too.
Import \`output/\` into the studio as an adapter to merge, upload or hand to RL.
`;
}
