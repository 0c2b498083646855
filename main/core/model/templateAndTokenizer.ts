// What a model folder says about turning a conversation into tokens: its chat
// template (chat_template.jinja, chat_template.json or tokenizer_config.json,
// in the order transformers prefers), its tokenizer.json and its image
// processor's pixel limits. Without a model folder the built-in Qwen3-VL
// layout is used and text tokens are estimated (and marked as estimated).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { type ChatMessage, renderQwenChat } from './chat';
import { QWEN3_VL_SIZING, sizingFromPreprocessor, type VisionSizing } from './qwenImage';
import { BpeTokenizer } from './tokenizer';

export interface TextSide {
  /** Where the template came from: a file path, or 'built-in Qwen3-VL'. */
  templateSource: string;
  render(messages: ChatMessage[], addGenerationPrompt?: boolean): string;
  /** Exact token count with the model's tokenizer, or an estimate (exact = false). */
  countTokens(text: string): number;
  exact: boolean;
  sizing: VisionSizing;
  /** The model's tokenizer (null without a model folder). */
  tokenizer: BpeTokenizer | null;
  /** preprocessor_config.json as read (null when absent). */
  preprocessor: Record<string, unknown> | null;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

function findTemplate(dir: string): { text: string; source: string } | null {
  const jinja = join(dir, 'chat_template.jinja');
  if (existsSync(jinja)) return { text: readFileSync(jinja, 'utf8'), source: jinja };
  for (const name of ['chat_template.json', 'tokenizer_config.json']) {
    const f = join(dir, name);
    if (!existsSync(f)) continue;
    const t = readJson(f).chat_template;
    if (typeof t === 'string') return { text: t, source: f };
  }
  return null;
}

/** Byte-level BPE averages a little under 4 bytes of English per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 3.6);
}

export function builtinTextSide(): TextSide {
  return { templateSource: 'built-in Qwen3-VL', render: renderQwenChat, countTokens: estimateTokens, exact: false, sizing: QWEN3_VL_SIZING, tokenizer: null, preprocessor: null };
}

export function loadTextSide(modelDir: string | null): TextSide {
  if (!modelDir) return builtinTextSide();
  const found = findTemplate(modelDir);
  const tokFile = join(modelDir, 'tokenizer.json');
  const tokenizer = existsSync(tokFile) ? BpeTokenizer.fromFile(tokFile) : null;
  const pre = join(modelDir, 'preprocessor_config.json');
  const preprocessor = existsSync(pre) ? readJson(pre) : null;
  const sizing = sizingFromPreprocessor(preprocessor);
  let render = renderQwenChat;
  if (found) {
    let tpl: Template;
    try {
      tpl = new Template(found.text);
    } catch (err) {
      throw new Error(`${found.source}: chat template does not parse: ${(err as Error).message}`);
    }
    render = (messages, addGenerationPrompt = false) => {
      try {
        return tpl.render({ messages, add_generation_prompt: addGenerationPrompt, bos_token: '', eos_token: '<|im_end|>' });
      } catch (err) {
        throw new Error(`${found.source}: chat template failed: ${(err as Error).message}`);
      }
    };
  }
  return {
    templateSource: found?.source ?? 'built-in Qwen3-VL',
    render,
    countTokens: tokenizer ? (t) => tokenizer.count(t) : estimateTokens,
    exact: !!tokenizer,
    sizing,
    tokenizer,
    preprocessor,
  };
}
