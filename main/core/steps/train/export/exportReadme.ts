// README.md and requirements.txt of an exported training project.
import type { ClusterTrainSettings } from './clusterSettings';
import type { DatasetFacts, ExportConfig } from './exportTypes';

export function requirements(c: ExportConfig, t: ClusterTrainSettings): string {
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
    ...(t.qlora || t.optim === 'adamw_bnb_8bit' ? ['bitsandbytes>=0.45'] : []),
    '',
  ].join('\n');
}

export interface ReadmeInput {
  config: ExportConfig;
  settings: ClusterTrainSettings;
  notCarried: string[];
  base: string;
  dataset: DatasetFacts;
  createdAt: string;
}

const rows = (n: number | null): string => (n === null ? '? rows' : `${n} rows`);

export function exportReadme(r: ReadmeInput): string {
  const c = r.config;
  const t = r.settings;
  const procs = c.gpus * c.nodes;
  const effective = t.per_device_batch_size * t.grad_accum * procs;
  const strategy = c.strategy === 'fsdp' ? 'FSDP (full shard)' : `DeepSpeed ZeRO-${c.strategy.endsWith('3') ? 3 : 2} (ds_config.json)`;
  return `# SFT training project: ${r.dataset.name}

Written by VLM SFT Studio on ${r.createdAt}: the studio's LoRA SFT run as a TRL + accelerate project for a multi-GPU or multi-node cluster.

| file | what it is |
| --- | --- |
| \`train_sft.py\` | TRL \`SFTTrainer\` with a PEFT ${t.qlora ? `QLoRA (4-bit NF4${t.double_quant ? ', double quantization' : ''}, ${t.dtype === 'bfloat16' ? 'bf16' : 'fp32'} compute)` : 'LoRA'} adapter on the Parquet below |
| \`train_config.json\` | every setting of the run, as the studio's Train form had them; paths in it are relative to this folder |
| \`accelerate_config.yaml\` | ${strategy}, ${c.nodes} machine(s) × ${c.gpus} GPU(s) |
${c.strategy === 'fsdp' ? '' : '| `ds_config.json` | the DeepSpeed settings; batch sizes and precision are "auto", filled from train_config.json |\n'}| \`launch.sh\` | \`accelerate launch\` with the machine count, rank and rank-0 address |
| \`data/train.parquet\` | ${rows(r.dataset.train.rows)}: \`messages\` (the chat, with an image part at each frame) and \`images\` (PNG frames) |
${r.dataset.validation ? `| \`data/validation.parquet\` | ${rows(r.dataset.validation.rows)}, ${t.eval_steps > 0 ? `evaluated every ${t.eval_steps} steps` : 'evaluated at the end'} |\n` : ''}| \`requirements.txt\` | the Python packages |

## Settings

| setting | value |
| --- | --- |
| base model | \`${r.base}\` |
| LoRA | r=${t.lora.r}, alpha=${t.lora.alpha}${t.lora.use_rslora ? ' (rsLoRA)' : ''}, dropout=${t.lora.dropout}, on ${t.lora.target_modules.join(', ')} |
| quantization | ${t.qlora ? `QLoRA: 4-bit NF4 base weights${t.double_quant ? ' with double-quantised scales' : ''}` : 'none'} |
| weights | ${t.dtype === 'bfloat16' ? 'bf16' : 'fp32'}${t.gradient_checkpointing ? ', gradient checkpointing' : ''} |
| loss | ${t.loss_on === 'assistant' ? 'assistant replies only (their end-of-turn token included)' : 'every token but padding'}, ${t.loss_average === 'tokens' ? 'averaged over the target tokens of each accumulated batch' : 'the mean of each micro-batch, averaged (the HF Trainer default for Qwen3-VL)'} |
| optimizer | ${t.optim === 'adamw_bnb_8bit' ? '8-bit AdamW' : 'AdamW'}, lr ${t.learning_rate}, ${t.lr_scheduler} schedule, ${t.warmup_steps} warm-up steps, weight decay ${t.weight_decay}, gradient clipping ${t.max_grad_norm} |
| length | ${t.max_steps ? `${t.max_steps} steps` : `${t.epochs} epoch(s)`} |
| batch | ${t.per_device_batch_size} per GPU × ${t.grad_accum} accumulation × ${procs} GPUs = ${effective} samples per step |
| checkpoints | ${t.save_steps > 0 ? `every ${t.save_steps} steps` : 'the final adapter only'} |
| NaN / inf loss | ${t.on_non_finite === 'fail' ? 'fails the run at that step' : 'training goes on'} |
| seed | ${t.seed} |
${r.notCarried.length ? `\nNot carried over from the Train form (the cluster script has no counterpart): ${r.notCarried.join('; ')}.\n` : ''}
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
Checkpoints go to \`output/\`${t.save_steps > 0 ? ` every ${t.save_steps} steps` : ''} (\`--resume_from_checkpoint\` continues the latest); the final adapter and the processor are saved there too.
Import \`output/\` into the studio as an adapter to merge, upload or hand to RL.
`;
}
