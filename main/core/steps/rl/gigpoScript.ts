// run_gigpo.sh: verl-agent's GiGPO trainer (python3 -m verl.trainer.main_ppo)
// with the merged model's path written in, the data of this folder, and the
// wizard's hyper-parameters as Hydra overrides.
import type { z } from 'zod';
import type { GigpoHyperParams } from '../../../../preload/contract/rl';
import type { VerlEnv } from './verlEnv';

export type Hyper = z.output<typeof GigpoHyperParams>;

export interface ScriptInput {
  modelPath: string;
  game: string;
  env: VerlEnv;
  hp: Hyper;
  projectName: string;
  experimentName: string;
  createdAt: string;
}

/** Single-quoted for bash: every character literal. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const py = (v: number | boolean): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

// Each entry is one shell word inside double quotes; values from the wizard are
// numbers, booleans or fixed words, so nothing in them needs escaping.
export function hydraOverrides(i: ScriptInput): string[] {
  const h = i.hp;
  return [
    'algorithm.adv_estimator=gigpo',
    'data.train_files=$(hq "$HERE/data/train.parquet")',
    'data.val_files=$(hq "$HERE/data/test.parquet")',
    `data.train_batch_size=${h.trainDataSize}`,
    `data.val_batch_size=${h.valDataSize}`,
    `data.max_prompt_length=${h.maxPromptLength}`,
    `data.max_response_length=${h.maxResponseLength}`,
    'data.filter_overlong_prompts=True',
    // ARLArena's GiGPO launch keeps the end of an over-long prompt (the current observation).
    "data.truncation='left'",
    'data.image_key=images',
    'data.return_raw_chat=True',
    'actor_rollout_ref.model.path=$(hq "$MERGED_MODEL")',
    `actor_rollout_ref.actor.optim.lr=${py(h.lr)}`,
    `actor_rollout_ref.actor.optim.lr_warmup_steps_ratio=${py(h.lrWarmupStepsRatio)}`,
    'actor_rollout_ref.model.use_remove_padding=True',
    'actor_rollout_ref.model.enable_gradient_checkpointing=True',
    `actor_rollout_ref.actor.ppo_mini_batch_size=${h.ppoMiniBatchSize}`,
    `actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=${h.ppoMicroBatchSizePerGpu}`,
    `actor_rollout_ref.actor.use_kl_loss=${py(h.useKlLoss)}`,
    `actor_rollout_ref.actor.kl_loss_coef=${py(h.klLossCoef)}`,
    `actor_rollout_ref.actor.kl_loss_type=${h.klLossType}`,
    `actor_rollout_ref.actor.entropy_coeff=${py(h.entropyCoeff)}`,
    `actor_rollout_ref.actor.fsdp_config.param_offload=${py(h.paramOffload)}`,
    `actor_rollout_ref.actor.fsdp_config.optimizer_offload=${py(h.paramOffload)}`,
    // verl-agent keeps these under actor_rollout_ref.actor, ARLArena's game_.yaml at the top level: the script sets
    // PENALTY_AT by ENTRY (Hydra refuses a key the config lacks).
    `\${PENALTY_AT}use_invalid_action_penalty=${py(h.invalidActionPenaltyCoef > 0)}`,
    `\${PENALTY_AT}invalid_action_penalty_coef=${py(h.invalidActionPenaltyCoef)}`,
    `actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=${h.logProbMicroBatchSizePerGpu}`,
    `actor_rollout_ref.rollout.tensor_model_parallel_size=${h.tensorParallelSize}`,
    'actor_rollout_ref.rollout.name=$ENGINE',
    `actor_rollout_ref.rollout.gpu_memory_utilization=${py(h.gpuMemoryUtilization)}`,
    'actor_rollout_ref.rollout.enable_chunked_prefill=False',
    'actor_rollout_ref.rollout.enforce_eager=True',
    'actor_rollout_ref.rollout.free_cache_engine=True',
    `actor_rollout_ref.rollout.val_kwargs.temperature=${py(h.valTemperature)}`,
    'actor_rollout_ref.rollout.val_kwargs.do_sample=True',
    `actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=${h.logProbMicroBatchSizePerGpu}`,
    `actor_rollout_ref.ref.fsdp_config.param_offload=${py(h.paramOffload)}`,
    'algorithm.use_kl_in_reward=False',
    `algorithm.gamma=${py(h.gamma)}`,
    `algorithm.gigpo.step_advantage_w=${py(h.stepAdvantageW)}`,
    `algorithm.gigpo.mode=${h.gigpoMode}`,
    `env.env_name=${i.env.envName}`,
    `env.seed=${h.seed}`,
    `env.max_steps=${h.maxTurns}`,
    `env.rollout.n=${h.groupSize}`,
    ...i.env.overrides,
    // ARLArena's config has it; verl-agent's (July 2025) does not: '++' adds it where missing instead of failing.
    '++env.resources_per_worker.num_cpus=0.1',
    'trainer.critic_warmup=0',
    `trainer.logger=[${h.loggers.map((l) => `'${l}'`).join(',')}]`,
    'trainer.project_name=$PROJECT_NAME',
    'trainer.experiment_name=$EXPERIMENT_NAME',
    'trainer.n_gpus_per_node=$N_GPUS_PER_NODE',
    'trainer.nnodes=$NNODES',
    'trainer.default_local_dir=$(hq "$RUN_DIR/checkpoints")',
    `trainer.save_freq=${h.saveFreq}`,
    `trainer.test_freq=${h.testFreq}`,
    `trainer.total_epochs=${h.totalEpochs}`,
    'trainer.val_before_train=False',
  ];
}

export function gigpoScript(i: ScriptInput): string {
  const args = hydraOverrides(i)
    .map((a) => `    "${a}" \\`)
    .join('\n');
  return `#!/usr/bin/env bash
# verl-agent GiGPO on ${i.env.envName} from a merged SFT model. Written by VLM SFT Studio on ${i.createdAt}.
#   bash run_gigpo.sh [more Hydra overrides, e.g. trainer.total_epochs=1]
# Environment (all optional): VERL_AGENT_DIR  a verl-agent (or ARLArena) checkout to run from
#   ENTRY  the trainer module (ARLArena: recipe.game_agent.main_game_agent_ablation)
#   ENGINE, N_GPUS_PER_NODE, NNODES  override the values below;  RUN_DIR  where logs and checkpoints go
set -euo pipefail

HERE="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
MERGED_MODEL=${shq(i.modelPath)}
ENGINE="\${ENGINE:-${i.hp.rolloutEngine}}"
N_GPUS_PER_NODE="\${N_GPUS_PER_NODE:-${i.hp.gpusPerNode}}"
NNODES="\${NNODES:-${i.hp.nodes}}"
ENTRY="\${ENTRY:-verl.trainer.main_ppo}"
# Where the invalid-action penalty keys live: ARLArena's recipes (game_.yaml) at the top, verl-agent under the actor.
case "$ENTRY" in recipe.*) PENALTY_AT="" ;; *) PENALTY_AT="actor_rollout_ref.actor." ;; esac
PROJECT_NAME=${shq(i.projectName)}
EXPERIMENT_NAME=${shq(i.experimentName)}
RUN_DIR="\${RUN_DIR:-$HERE/runs/$(date +%Y%m%d-%H%M%S)}"

# Hydra parses quotes, commas and brackets in values: quote paths so any character survives.
hq() { local s=\${1//\\\\/\\\\\\\\}; s=\${s//\\'/\\\\\\'}; printf "'%s'" "$s"; }

if [[ -n "\${VERL_AGENT_DIR:-}" ]]; then cd "$VERL_AGENT_DIR"; fi
if ! python3 -c 'import verl, agent_system' 2>/dev/null; then
  echo "run_gigpo.sh: python3 cannot import verl and agent_system; install verl-agent, or set VERL_AGENT_DIR to its checkout" >&2
  exit 2
fi
if [[ ! -f "$MERGED_MODEL/config.json" ]]; then
  echo "run_gigpo.sh: no merged model at $MERGED_MODEL (config.json missing); copy the merged folder to that path on this machine" >&2
  exit 2
fi
if (( NNODES > 1 )) && ! ray status >/dev/null 2>&1; then
  echo "run_gigpo.sh: NNODES=$NNODES needs a running Ray cluster (see README.md: ray start --head, then ray start --address on the others)" >&2
  exit 2
fi

ulimit -n 65535 2>/dev/null || true
mkdir -p "$RUN_DIR"
echo "run_gigpo.sh: logs and checkpoints in $RUN_DIR"

python3 -m "$ENTRY" \\
${args}
    "$@" 2>&1 | tee "$RUN_DIR/train.log"
`;
}
