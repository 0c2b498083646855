// launch.sh of an exported training project: accelerate launch on one machine,
// or on each machine of a cluster with its rank and the rank-0 address.
import type { Strategy } from './accelerateConfig';

export function launchScript(c: { strategy: Strategy; gpus: number; nodes: number }, createdAt: string): string {
  return `#!/usr/bin/env bash
# LoRA SFT with accelerate (${c.strategy}): ${c.nodes} machine(s) × ${c.gpus} GPU(s). Written by VLM SFT Studio on ${createdAt}.
#   one machine:     bash launch.sh
#   several:         on each machine  MACHINE_RANK=<0..N-1> MAIN_PROCESS_IP=<address of rank 0> bash launch.sh
#   Slurm:           srun with one task per node (MACHINE_RANK defaults to SLURM_NODEID); see README.md
# Arguments after the script go to train_sft.py, e.g. bash launch.sh --max_steps 10
set -euo pipefail

HERE="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
NUM_MACHINES="\${NUM_MACHINES:-${c.nodes}}"
GPUS_PER_MACHINE="\${GPUS_PER_MACHINE:-${c.gpus}}"
MACHINE_RANK="\${MACHINE_RANK:-\${SLURM_NODEID:-0}}"
MAIN_PROCESS_IP="\${MAIN_PROCESS_IP:-}"
MAIN_PROCESS_PORT="\${MAIN_PROCESS_PORT:-29500}"

if (( NUM_MACHINES > 1 )) && [[ -z "$MAIN_PROCESS_IP" ]]; then
  echo "launch.sh: NUM_MACHINES=$NUM_MACHINES needs MAIN_PROCESS_IP, the address of the machine with rank 0" >&2
  exit 2
fi
if ! command -v accelerate >/dev/null 2>&1; then
  echo "launch.sh: accelerate is not installed; pip install -r requirements.txt" >&2
  exit 2
fi

exec accelerate launch \\
  --config_file accelerate_config.yaml \\
  --num_machines "$NUM_MACHINES" \\
  --num_processes "$((NUM_MACHINES * GPUS_PER_MACHINE))" \\
  --machine_rank "$MACHINE_RANK" \\
  --main_process_ip "\${MAIN_PROCESS_IP:-127.0.0.1}" \\
  --main_process_port "$MAIN_PROCESS_PORT" \\
  train_sft.py --config train_config.json "$@"
`;
}
