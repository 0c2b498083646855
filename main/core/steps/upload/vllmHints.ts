// What `vllm serve` needs for one of our adapters, from vLLM's source (vllm-project/vllm @ a78dc92f,
// vllm/config/lora.py; cited with the checks in test/unit/steps/upload/vllmHints.test.ts):
// --max-lora-rank takes only MaxLoRARanks = 1, 8, 16, 32, 64, 128, 256, 320, 512, so an adapter's r is
// rounded up to the next of those; LoRA on the vision tower is applied only with
// --enable-tower-connector-lora (experimental, "the Qwen VL series"); earlier vLLM serves the
// language-model LoRA only and drops vision modules with a warning.
export const VLLM_LORA_RANKS = [1, 8, 16, 32, 64, 128, 256, 320, 512] as const;

/** The smallest --max-lora-rank vLLM accepts that holds rank r; null above 512 (vLLM cannot serve it). */
export function vllmMaxLoraRank(r: number): number | null {
  return VLLM_LORA_RANKS.find((v) => v >= r) ?? null;
}

// Module names that exist only in Qwen3-VL's vision tower and merger (PEFT matches a target as a name suffix).
const VISION_ONLY = new Set(['qkv', 'proj', 'attn.proj', 'linear_fc1', 'linear_fc2', 'merger']);

/** Whether an adapter touches Qwen3-VL's vision tower: its tensor keys, or target_modules naming `visual` or vision-only modules. */
export function touchesVisionTower(targets: string[], tensorKeys: string[] = []): boolean {
  return tensorKeys.some((k) => /(^|\.)visual\./.test(k)) || targets.some((t) => /\bvisual\b/.test(t) || VISION_ONLY.has(t) || VISION_ONLY.has(t.split('.').pop()!));
}

export interface VllmHint {
  /** The shell command, or null when vLLM cannot serve the adapter as it is. */
  command: string | null;
  notes: string[];
}

export function vllmHint(base: string, repo: string, r: number | null, vision: boolean): VllmHint {
  const notes: string[] = [];
  const rank = r === null ? null : vllmMaxLoraRank(r);
  if (r !== null && rank === null) {
    notes.push(
      `vLLM serves LoRA ranks up to 512 (\`--max-lora-rank\` takes 1, 8, 16, 32, 64, 128, 256, 320 or 512); this adapter has r=${r}, so serve the merged model instead (Merge step).`,
    );
    return { command: null, notes };
  }
  if (r !== null && rank !== r) notes.push(`\`--max-lora-rank\` is ${rank}: vLLM takes only 1, 8, 16, 32, 64, 128, 256, 320 or 512, the smallest of them that holds r=${r}.`);
  if (vision)
    notes.push(
      'This adapter also trains vision-tower modules (`visual.`). vLLM applies LoRA there only with `--enable-tower-connector-lora` (experimental; Qwen VL models); a vLLM without that flag serves the language-model part only and ignores the vision modules, which changes the outputs. To serve exactly what was trained on any vLLM, merge the adapter (Merge step) and serve the merged model.',
    );
  const flags = ['--enable-lora', ...(vision ? ['--enable-tower-connector-lora'] : []), `--max-lora-rank ${rank ?? 64}`, `--lora-modules sft=${repo}`];
  return { command: `vllm serve ${base} ${flags.join(' ')}`, notes };
}
