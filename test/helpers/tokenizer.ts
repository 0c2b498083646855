// A tiny byte-level BPE tokenizer.json in the Qwen2 layout (NFC, the Qwen
// split regex, ByteLevel, BPE merges, the Qwen special tokens), written the
// way Hugging Face tokenizers serialises one, and a chat template in the
// Qwen3-VL Instruct layout, for tests that load a model folder's text side.

// GPT-2's byte → printable character table, written out independently of the app's.
function byteChars(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let n = 0;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : 256 + n++));
}

export const QWEN_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
export const SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|vision_start|>', '<|vision_end|>', '<|image_pad|>', '<|video_pad|>'];
/** Words that become one token each (merged left to right). */
export const WORDS = ['hello', ' world', ' up', ' down', ' left', ' right', '<action>', 'user', 'assistant'];

export function tinyTokenizerJson(): Record<string, unknown> {
  const chars = byteChars();
  const vocab: Record<string, number> = {};
  chars.forEach((c, i) => (vocab[c] = i));
  const merges: [string, string][] = [];
  for (const w of WORDS) {
    const syms = [...Buffer.from(w, 'utf8')].map((b) => chars[b]!);
    let cur = syms[0]!;
    for (const s of syms.slice(1)) {
      if (vocab[cur + s] === undefined) {
        merges.push([cur, s]);
        vocab[cur + s] = Object.keys(vocab).length;
      }
      cur += s;
    }
  }
  const base = Object.keys(vocab).length;
  return {
    version: '1.0',
    added_tokens: SPECIALS.map((content, i) => ({ id: base + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN_SPLIT }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/** A chat template producing the Qwen3-VL Instruct layout for text/image content lists. */
export const QWEN_VL_STYLE_TEMPLATE = [
  '{%- for message in messages -%}',
  "{{- '<|im_start|>' + message.role + '\\n' -}}",
  '{%- if message.content is string -%}{{- message.content -}}',
  '{%- else -%}{%- for part in message.content -%}',
  "{%- if part.type == 'image' -%}{{- '<|vision_start|><|image_pad|><|vision_end|>' -}}",
  "{%- elif part.type == 'text' -%}{{- part.text -}}{%- endif -%}",
  '{%- endfor -%}{%- endif -%}',
  "{{- '<|im_end|>\\n' -}}",
  '{%- endfor -%}',
  "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}",
].join('\n');

/** The id the tiny tokenizer gives a special token (what the tiny checkpoint's config uses). */
export function specialId(token: string): number {
  const t = (tinyTokenizerJson().added_tokens as { id: number; content: string }[]).find((x) => x.content === token);
  if (!t) throw new Error(`no special token ${token}`);
  return t.id;
}
