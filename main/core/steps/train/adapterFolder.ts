// A trained adapter as PEFT saves one: adapter_model.safetensors (written by
// the engine, PEFT's keys) + adapter_config.json, so PEFT, vLLM and our Merge
// step load it unchanged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoraSettings } from '../../native/engine';

export const DEFAULT_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

export function adapterConfigJson(lora: LoraSettings, baseModel: string): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: baseModel,
    r: lora.r,
    lora_alpha: lora.alpha,
    lora_dropout: lora.dropout ?? 0,
    use_rslora: lora.rslora ?? false,
    use_dora: false,
    target_modules: lora.targets ?? DEFAULT_TARGETS,
    bias: 'none',
    fan_in_fan_out: false,
    init_lora_weights: true,
    inference_mode: true,
    modules_to_save: null,
    layers_to_transform: null,
    rank_pattern: {},
    alpha_pattern: {},
  };
}

export function writeAdapterConfig(dir: string, lora: LoraSettings, baseModel: string): void {
  writeFileSync(join(dir, 'adapter_config.json'), `${JSON.stringify(adapterConfigJson(lora, baseModel), null, 2)}\n`);
}
