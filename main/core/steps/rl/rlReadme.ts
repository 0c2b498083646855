// README.md of a launch folder: what is in it, and how to run it on one node
// and on a Ray cluster.
import type { ScriptInput } from './gigpoScript';

export interface ReadmeInput extends ScriptInput {
  modelName: string;
  trainRows: number;
  testRows: number;
}

export function rlReadme(r: ReadmeInput): string {
  const h = r.hp;
  const gpus = h.gpusPerNode * h.nodes;
  const episodes = h.trainDataSize * h.groupSize;
  return `# GiGPO launch folder: ${r.env.envName}

Written by VLM SFT Studio on ${r.createdAt} for the merged model '${r.modelName}':

    ${r.modelPath}

The path is already in \`run_gigpo.sh\` (\`MERGED_MODEL\`); the model must be at that path on the machine that runs it.

| file | what it is |
| --- | --- |
| \`run_gigpo.sh\` | verl-agent's GiGPO trainer (\`python3 -m verl.trainer.main_ppo algorithm.adv_estimator=gigpo …\`) with every setting below |
| \`data/train.parquet\` | ${r.trainRows} rows in verl's RL format (\`data_source\`, \`prompt\` = one user message "<image>", \`images\` = a rendered ${r.game} frame, \`ability\`, \`reward_model\`, \`extra_info\`) |
| \`data/test.parquet\` | ${r.testRows} rows for validation, from a separate seed range |
| \`config.json\` | everything the studio used to write this folder |

The rows set the modality and the batch size (one row per environment group, as verl-agent's \`prepare.py\` writes them);
during training verl-agent replaces each prompt and image with the live observation of its own ${r.env.envName} environment.
${r.env.notes.map((n) => `\n> ${n}`).join('')}

## Settings

| setting | value |
| --- | --- |
| algorithm | GiGPO (\`gamma=${h.gamma}\`, \`step_advantage_w=${h.stepAdvantageW}\`, \`mode=${h.gigpoMode}\`) |
| groups per step × group size | ${h.trainDataSize} × ${h.groupSize} = ${episodes} episodes of at most ${h.maxTurns} turns |
| PPO batches | mini ${h.ppoMiniBatchSize}, micro ${h.ppoMicroBatchSizePerGpu} per GPU, log-prob micro ${h.logProbMicroBatchSizePerGpu} |
| learning rate | ${h.lr} (warm-up ratio ${h.lrWarmupStepsRatio}) |
| KL | ${h.useKlLoss ? `loss ${h.klLossType}, coefficient ${h.klLossCoef}` : 'off'}; none in the reward |
| invalid-action penalty | ${h.invalidActionPenaltyCoef} |
| rollout | ${h.rolloutEngine}, tensor parallel ${h.tensorParallelSize}, GPU memory ${h.gpuMemoryUtilization}, validation temperature ${h.valTemperature} |
| lengths | prompt ${h.maxPromptLength}, response ${h.maxResponseLength} tokens |
| GPUs | ${h.gpusPerNode} per node × ${h.nodes} node(s) = ${gpus} |
| schedule | ${h.totalEpochs} epochs, save every ${h.saveFreq}, validate every ${h.testFreq} |
| loggers | ${h.loggers.join(', ')} |

Any Hydra override can be added on the command line: \`bash run_gigpo.sh trainer.total_epochs=1\`.

## Requirements

A verl-agent checkout (or ARLArena's, which vendors it) with its environment installed: \`python3 -c "import verl, agent_system"\`
must work, from the checkout or with \`VERL_AGENT_DIR=/path/to/verl-agent\`. ${r.env.envName === 'Sokoban' ? 'Sokoban also needs `gym-sokoban`.' : "The card games need verl-agent's `gym_cards` package."}
${h.loggers.includes('wandb') ? 'The wandb logger needs `wandb login` (or `WANDB_API_KEY`) first.\n' : ''}
## One node

\`\`\`sh
bash run_gigpo.sh                                   # from verl-agent's folder, or:
VERL_AGENT_DIR=~/verl-agent bash run_gigpo.sh
ENTRY=recipe.game_agent.main_game_agent_ablation VERL_AGENT_DIR=~/ARLArena bash run_gigpo.sh   # ARLArena's trainer
\`\`\`

verl starts a local Ray instance itself. Logs and checkpoints go to \`runs/<date>/\` here (\`RUN_DIR\` to change it);
\`N_GPUS_PER_NODE=2 bash run_gigpo.sh\` uses fewer GPUs (keep it a multiple of the tensor-parallel size ${h.tensorParallelSize}).

## A Ray cluster (${h.nodes > 1 ? `${h.nodes} nodes` : 'several nodes'})

Put this folder and the merged model at the same paths on every node (a shared file system is simplest), then:

\`\`\`sh
# on the head node
ray start --head --port=6379 --dashboard-port=8265
# on every other node
ray start --address=<head-ip>:6379
# back on the head node, once \`ray status\` lists every GPU
NNODES=${Math.max(2, h.nodes)} N_GPUS_PER_NODE=${h.gpusPerNode} bash run_gigpo.sh
\`\`\`

verl's driver joins the running cluster (\`ray.init()\` finds it; set \`RAY_ADDRESS=<head-ip>:6379\` if it does not).
\`ray stop\` on every node ends it. Under Slurm, start the head and the workers with \`srun\` the same way, then run the script on the head.
`;
}
