// Adapter keys → base checkpoint keys. PEFT saves `base_model.model.<module>.lora_A.weight`;
// the base checkpoint may use another layout of the same model (transformers
// moved Qwen2.5-VL/Qwen3-VL to `model.language_model.*` and `model.visual.*`).
export interface ParsedAdapterKey {
  key: string;
  module: string; // e.g. model.language_model.layers.0.self_attn.q_proj
  part: 'lora_A' | 'lora_B' | 'lora_embedding_A' | 'lora_embedding_B' | 'magnitude' | 'lora_B_bias' | 'replace';
  suffix: string; // for 'replace': the parameter name (weight, bias)
}

const PREFIX = 'base_model.model.';

export function parseAdapterKey(key: string): ParsedAdapterKey | null {
  if (!key.startsWith(PREFIX)) return null;
  const rest = key.slice(PREFIX.length);
  // Adapter names may appear in keys saved by some tools (lora_A.default.weight): accept both.
  const m = /^(.*)\.(lora_A|lora_B|lora_embedding_A|lora_embedding_B)(?:\.[A-Za-z0-9_-]+)?\.weight$/.exec(rest);
  if (m) return { key, module: m[1]!, part: m[2] as ParsedAdapterKey['part'], suffix: 'weight' };
  const e = /^(.*)\.(lora_embedding_A|lora_embedding_B)(?:\.[A-Za-z0-9_-]+)?$/.exec(rest);
  if (e) return { key, module: e[1]!, part: e[2] as ParsedAdapterKey['part'], suffix: 'weight' };
  const b = /^(.*)\.lora_B(?:\.[A-Za-z0-9_-]+)?\.bias$/.exec(rest);
  if (b) return { key, module: b[1]!, part: 'lora_B_bias', suffix: 'bias' };
  const d = /^(.*)\.lora_magnitude_vector(?:\.[A-Za-z0-9_-]+)?(?:\.weight)?$/.exec(rest);
  if (d) return { key, module: d[1]!, part: 'magnitude', suffix: 'weight' };
  // modules_to_save and trained biases are saved under the module's own parameter names.
  const r = /^(.*)\.(weight|bias)$/.exec(rest);
  if (r) return { key, module: r[1]!.replace(/\.modules_to_save\.[A-Za-z0-9_-]+$/, ''), part: 'replace', suffix: r[2]! };
  return null;
}

// Known renames between layouts, tried in both directions.
const ALIASES: [RegExp, string][] = [
  [/^model\.layers\./, 'model.language_model.layers.'],
  [/^model\.language_model\.layers\./, 'model.layers.'],
  [/^model\.embed_tokens\./, 'model.language_model.embed_tokens.'],
  [/^model\.language_model\.embed_tokens\./, 'model.embed_tokens.'],
  [/^model\.norm\./, 'model.language_model.norm.'],
  [/^model\.language_model\.norm\./, 'model.norm.'],
  [/^visual\./, 'model.visual.'],
  [/^model\.visual\./, 'visual.'],
  [/^language_model\.model\./, 'model.language_model.'],
  [/^language_model\.lm_head\./, 'lm_head.'],
];

/** The base tensor name for `<module>.<param>`, or null when no layout has it. */
export function resolveBaseKey(module: string, param: string, has: (name: string) => boolean): string | null {
  const direct = `${module}.${param}`;
  if (has(direct)) return direct;
  for (const [re, to] of ALIASES) {
    if (re.test(direct)) {
      const alt = direct.replace(re, to);
      if (has(alt)) return alt;
    }
  }
  return null;
}
