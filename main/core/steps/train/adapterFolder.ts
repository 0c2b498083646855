// A trained adapter as PEFT saves one: adapter_model.safetensors (written by
// the engine, PEFT's keys) + adapter_config.json, so PEFT, vLLM and our Merge
// step load it unchanged. No task type and an auto_mapping, as PEFT writes for a
// model outside its task classes: Qwen3-VL is not an AutoModelForCausalLM, so with
// task_type CAUSAL_LM no AutoPeftModel class can rebuild the base (peft 0.21);
// with the mapping, peft.AutoPeftModel.from_pretrained(adapter) loads the base named
// by base_model_name_or_path as AutoModelForImageTextToText would
// (test/unit/steps/train/adapterHubLoading.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LORA_TARGETS } from '../../../../preload/contract/train';
import type { LoraSettings } from '../../native/engine';

/** The transformers class of a Qwen3-VL checkpoint (config.json architectures). */
export const QWEN3VL_CLASS = 'Qwen3VLForConditionalGeneration';

/**
 * baseModel: the base's Hub id where known (lineage/hubId.ts); else its folder, which stays on this
 * machine: the Upload step rewrites it to a Hub id or refuses to upload.
 */
export function adapterConfigJson(lora: LoraSettings, baseModel: string, baseClass = QWEN3VL_CLASS): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: null,
    auto_mapping: { base_model_class: baseClass, parent_library: 'transformers' },
    base_model_name_or_path: baseModel,
    r: lora.r,
    lora_alpha: lora.alpha,
    lora_dropout: lora.dropout ?? 0,
    use_rslora: lora.rslora ?? false,
    use_dora: false,
    target_modules: lora.targets ?? [...LORA_TARGETS],
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

export function writeAdapterConfig(dir: string, lora: LoraSettings, baseModel: string, baseClass = QWEN3VL_CLASS): void {
  writeFileSync(join(dir, 'adapter_config.json'), `${JSON.stringify(adapterConfigJson(lora, baseModel, baseClass), null, 2)}\n`);
}
