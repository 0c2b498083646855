// accelerate_config.yaml (and ds_config.json for DeepSpeed) of an exported
// training project. Batch sizes, accumulation, clipping and precision stay
// "auto" in the DeepSpeed file: the HF Trainer fills them from train_config.json,
// so the two can never disagree (accelerate refuses a config that sets them twice).
export type Strategy = 'deepspeed-zero2' | 'deepspeed-zero3' | 'fsdp';

export interface TopologyInput {
  strategy: Strategy;
  gpus: number; // per machine
  nodes: number;
  // The Train form's weights dtype: bf16 mixed precision, or none for float32.
  bf16?: boolean;
}

const common = (t: TopologyInput): string => `machine_rank: 0
main_process_ip: 127.0.0.1
main_process_port: 29500
main_training_function: main
num_machines: ${t.nodes}
num_processes: ${t.nodes * t.gpus}
rdzv_backend: static
same_network: true
tpu_env: []
tpu_use_cluster: false
tpu_use_sudo: false
use_cpu: false
`;

export function accelerateConfig(t: TopologyInput): string {
  const head = `# accelerate launch configuration: ${t.nodes} machine(s) × ${t.gpus} GPU(s), ${t.strategy}.
# launch.sh passes the machine count, process count, rank and rank-0 address on the command line.
compute_environment: LOCAL_MACHINE
debug: false
`;
  if (t.strategy === 'fsdp') {
    return `${head}distributed_type: FSDP
downcast_bf16: 'no'
fsdp_config:
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
  fsdp_backward_prefetch: BACKWARD_PRE
  fsdp_cpu_ram_efficient_loading: true
  fsdp_forward_prefetch: false
  fsdp_offload_params: false
  fsdp_sharding_strategy: FULL_SHARD
  fsdp_state_dict_type: SHARDED_STATE_DICT
  fsdp_sync_module_states: true
  fsdp_use_orig_params: false
mixed_precision: ${t.bf16 === false ? "'no'" : 'bf16'}
${common(t)}`;
  }
  return `${head}distributed_type: DEEPSPEED
deepspeed_config:
  deepspeed_config_file: ds_config.json
  deepspeed_multinode_launcher: standard
  zero3_init_flag: ${t.strategy === 'deepspeed-zero3'}
downcast_bf16: 'no'
${common(t)}`;
}

export function deepspeedConfig(strategy: Exclude<Strategy, 'fsdp'>): Record<string, unknown> {
  const zero =
    strategy === 'deepspeed-zero2'
      ? { stage: 2, overlap_comm: true, contiguous_gradients: true, reduce_scatter: true, reduce_bucket_size: 'auto', allgather_bucket_size: 5e8 }
      : {
          stage: 3,
          overlap_comm: true,
          contiguous_gradients: true,
          sub_group_size: 1e9,
          reduce_bucket_size: 'auto',
          stage3_prefetch_bucket_size: 'auto',
          stage3_param_persistence_threshold: 'auto',
          stage3_max_live_parameters: 1e9,
          stage3_max_reuse_distance: 1e9,
          stage3_gather_16bit_weights_on_model_save: true,
        };
  return {
    bf16: { enabled: 'auto' },
    fp16: { enabled: 'auto' },
    zero_optimization: zero,
    gradient_accumulation_steps: 'auto',
    gradient_clipping: 'auto',
    train_batch_size: 'auto',
    train_micro_batch_size_per_gpu: 'auto',
    // The Trainer's own AdamW is used; DeepSpeed would otherwise refuse it under ZeRO.
    zero_allow_untested_optimizer: true,
    steps_per_print: 100,
    wall_clock_breakdown: false,
  };
}
