// A seeded, deterministic corpus of strings that stress a byte-level BPE
// tokenizer where JavaScript and Hugging Face tokenizers could disagree:
// Unicode whitespace (NEL, BOM, line/paragraph separators, the Zs spaces),
// letters and numbers of many scripts, NFC (decomposed accents), emoji
// sequences, digit runs, contractions, special tokens inside text, and the
// game replies the studio actually trains on.
import { mulberry32 } from '../../main/core/util/random';

type Rng = () => number;

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const repeat = (r: Rng, n: number, f: () => string): string => Array.from({ length: n }, f).join('');

/** Every whitespace-like code point whose class differs between engines or Unicode versions, plus the ordinary ones. */
export const SPACES = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u180e',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];
const SPECIAL_TOKENS = [
  '<|im_end|>',
  '<|im_start|>',
  '<|image_pad|>',
  '<|vision_start|>',
  '<|vision_end|>',
  '<|endoftext|>',
  '<think>',
  '</think>',
  '<tool_call>',
  '</tool_call>',
  '<|video_pad|>',
];
const WORDS = [
  'up',
  'down',
  'left',
  'right',
  'push',
  'box',
  'goal',
  'wall',
  'the',
  'player',
  'move',
  'Sokoban',
  'FrozenLake',
  'hole',
  'ice',
  'I',
  'A',
  'OK',
  'don',
  'It',
  'we',
  'THEY',
  'hello',
  'world',
  'café',
  'naïve',
  'Zürich',
  'São',
  'straße',
];
const CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'VE", "'M", "'LL", "'D", "'Ll", "'rE", "'ſ", "'K", "'x", "'"];
const CJK = ['你好世界', '向上移动', '箱子在左边', '日本語のテキスト', 'カタカナ', 'ひらがな', '한국어 문장', '한글', '中文，标点。', '「引用」', '𠀀𠀁𪜀', '㐀㐁'];
const RTL = ['مرحبا بالعالم', 'تحرك إلى الأعلى', 'שלום עולם', 'זוז למעלה', 'العربية ١٢٣', '\u202eevil\u202c', 'עִבְרִית', 'مُحَمَّد'];
const COMBINING = [
  'e\u0301',
  'a\u0308',
  'o\u0302',
  'n\u0303',
  'A\u030a',
  'c\u0327',
  'u\u0308\u0301',
  'i\u0307',
  'q\u0323\u0307',
  's\u0323\u0307',
  '\u1100\u1161\u11a8',
  '\u0915\u093c',
  'e\u0301\u0301',
  '\u0301',
  'Å',
  'Ω',
  'ﬁ',
  '①',
  '½',
  'Ⅻ',
  'ᄀ',
];
const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '🇯🇵', '❤️', '🧑🏿‍💻', '🤷‍♀️', '✋🏻', '🫠', '1️⃣', '#️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '⬆️', '⬇', '←', '→'];
const DIGITS = ['0', '7', '42', '123', '2024', '3.14159', '1,000,000', '-17', '1e-5', '٣٤٥', '१२३', '௧௨', '１２３', '²³', '⅓', '𝟙𝟚', '0x1F', '00012'];
const PUNCT = [
  '.',
  ',',
  '!',
  '?',
  ':',
  ';',
  '"',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '<',
  '>',
  '/',
  '\\',
  '-',
  '_',
  '=',
  '+',
  '*',
  '&',
  '%',
  '$',
  '#',
  '@',
  '~',
  '`',
  '^',
  '|',
  '…',
  '—',
  '«',
  '»',
  '“',
  '”',
  '。',
  '、',
];
const ACTIONS = ['up', 'down', 'left', 'right', 'Up', 'LEFT', 'push up', 'noop', 'stay'];

/** Random code points across the whole range (no surrogates), weighted toward assigned planes. */
function randomCodePoint(r: Rng): string {
  const region = r();
  let cp: number;
  if (region < 0.3) cp = int(r, 0x20, 0x7e);
  else if (region < 0.55) cp = int(r, 0x80, 0x2fff);
  else if (region < 0.7) cp = int(r, 0x3000, 0xd7ff);
  else if (region < 0.8) cp = int(r, 0xe000, 0xffff);
  else if (region < 0.93) cp = int(r, 0x10000, 0x1ffff);
  else if (region < 0.98) cp = int(r, 0x20000, 0x3ffff);
  else cp = int(r, 0x40000, 0x10ffff);
  return String.fromCodePoint(cp);
}

function spaces(r: Rng, only?: readonly string[]): string {
  return repeat(r, int(r, 1, 6), () => pick(r, only ?? SPACES));
}

function word(r: Rng): string {
  const k = r();
  if (k < 0.5) return pick(r, WORDS);
  if (k < 0.6) return pick(r, CJK);
  if (k < 0.7) return pick(r, RTL);
  if (k < 0.8) return pick(r, COMBINING) + pick(r, WORDS);
  if (k < 0.9) return pick(r, DIGITS);
  return pick(r, EMOJI);
}

function sentence(r: Rng): string {
  const n = int(r, 1, 12);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += word(r);
    const k = r();
    if (k < 0.1) s += pick(r, CONTRACTIONS);
    else if (k < 0.2) s += pick(r, PUNCT);
    s += r() < 0.75 ? ' ' : spaces(r);
  }
  return s.trimEnd() + (r() < 0.5 ? pick(r, ['.', '!', '?', '', '\n']) : '');
}

/** A game reply as our policies write them: think, then an action (tags or JSON). */
export function gameReply(r: Rng): string {
  const think = sentence(r);
  const act = pick(r, ACTIONS);
  const nl = pick(r, ['', '\n', '\n\n', ' ', '\r\n']);
  const forms = [
    `<think>${think}</think><action>${act}</action>`,
    `<think>${nl}${think}${nl}</think>${nl}<action>${act}</action>`,
    `<think>\n${think}\n</think>\n\n<answer>${act}</answer>`,
    `{"action": "${act}", "reason": ${JSON.stringify(think)}}`,
    `{"thought":"${think.replace(/["\\\n\r]/g, '')}","action":"${act}"}`,
    `\`\`\`json\n{"action": "${act}"}\n\`\`\``,
    `${act}`,
    `Action: ${act}\nReason: ${think}`,
  ];
  return pick(r, forms);
}

const generators: ((r: Rng) => string)[] = [
  gameReply,
  (r) => sentence(r),
  // whitespace runs: pure, mixed, trailing, leading, between words
  (r) => spaces(r, [' ', '\t']),
  (r) => word(r) + spaces(r, [' ', '\t']) + word(r) + spaces(r, [' ', '\t', '\n']),
  (r) => spaces(r) + word(r) + spaces(r),
  (r) => repeat(r, int(r, 1, 4), () => word(r) + spaces(r)),
  // line endings
  (r) => repeat(r, int(r, 1, 5), () => sentence(r) + pick(r, ['\r\n', '\r', '\n', '\n\r', '\r\n\r\n', ' \r\n', '\t\n'])),
  (r) => pick(r, ['\r\n', '\r', '\n']).repeat(int(r, 1, 5)) + word(r),
  // scripts and normalisation
  (r) => repeat(r, int(r, 1, 5), () => pick(r, CJK) + pick(r, ['', ' ', '，', '。'])),
  (r) => repeat(r, int(r, 1, 5), () => pick(r, RTL) + pick(r, [' ', '، ', '. '])),
  (r) => repeat(r, int(r, 1, 6), () => pick(r, COMBINING) + pick(r, ['', ' ', 'x', '1', '.'])),
  (r) => pick(r, WORDS).normalize('NFD') + ' ' + pick(r, WORDS).normalize('NFKD'),
  // emoji
  (r) => repeat(r, int(r, 1, 6), () => pick(r, EMOJI) + pick(r, ['', ' ', '!', 'a'])),
  // the whitespace code points themselves, around letters, digits and punctuation
  (r) => repeat(r, int(r, 1, 6), () => pick(r, SPACES) + pick(r, ['a', 'Z', '1', '!', '', ' ', 'é', '中', '\n', pick(r, SPACES)])),
  (r) => word(r) + pick(r, ['\u0085', '\ufeff', '\u2028', '\u2029', '\u00a0', '\u3000', '\u202f', '\u205f', '\u1680']).repeat(int(r, 1, 3)) + word(r),
  (r) => '\ufeff' + sentence(r),
  // digits (Qwen splits them one by one) and contractions
  (r) => repeat(r, int(r, 1, 4), () => pick(r, DIGITS) + pick(r, ['', ' ', '.', ',', 'x'])) + String(int(r, 0, 1e9)),
  (r) => repeat(r, int(r, 1, 5), () => pick(r, WORDS) + pick(r, CONTRACTIONS) + pick(r, ['', ' ', '.', '\n'])),
  // special tokens inside text
  (r) => repeat(r, int(r, 1, 4), () => sentence(r) + pick(r, SPECIAL_TOKENS)) + pick(r, ['', '\n', ' ']),
  (r) => pick(r, SPECIAL_TOKENS).slice(0, int(r, 1, 8)) + pick(r, SPECIAL_TOKENS) + '|>' + pick(r, ['<|im_end', '<|', 'im_end|>']),
  // punctuation runs with newlines after them
  (r) => repeat(r, int(r, 1, 8), () => pick(r, PUNCT)) + pick(r, ['', '\n', '\r\n', '\n\n', ' ']) + word(r),
  // long random unicode
  (r) => repeat(r, int(r, 20, 200), () => randomCodePoint(r)),
  (r) => repeat(r, int(r, 5, 40), () => (r() < 0.3 ? pick(r, SPACES) : randomCodePoint(r))),
];

/** `n` strings from `seed`: the same list on every machine. */
export function tokenizerCorpus(n = 2400, seed = 20240611): string[] {
  const r = mulberry32(seed);
  const out: string[] = [];
  // Each fixed edge case once, then generated strings.
  out.push(
    '',
    ' ',
    '\n',
    '\n\n',
    '\r\n',
    '\r',
    '\u0085',
    '\ufeff',
    '\u2028',
    '\u2029',
    'a\u0085b',
    'a\ufeffb',
    ' \u0085 ',
    '\u0085\n',
    'x\ufeff\ufeff',
    'e\u0301',
    'caf\u0065\u0301',
    '<|im_end|>',
    '<|im_end|><|im_start|>',
    'a<|image_pad|>b',
  );
  // Oniguruma's (?i:'s) also takes U+017F (long s): the contraction then splits from the letters after it.
  out.push("don'\u017ft", "it'\u017fa", "'\u017f\u017f", "x'LLama", "WE'REally", "'ve'VE'vEx", "I'Mm", "it's'st");
  out.push(...SPACES.flatMap((s) => [s, `a${s}b`, `${s}${s}x`, `1${s}2`, `!${s}!`, `x${s}`, `${s}\n`]));
  while (out.length < n) out.push(generators[Math.floor(r() * generators.length)]!(r));
  return out;
}

/** A conversation in the studio's message form (text and image parts), with the number of images it holds. */
export interface CorpusConversation {
  messages: { role: 'system' | 'user' | 'assistant'; content: { type: 'text' | 'image'; text: string | null }[] }[];
}

/** Multi-turn game conversations: system prompts, images, think tags, replies that start with "\n" or whitespace. */
export function conversationCorpus(n = 60, seed = 7): CorpusConversation[] {
  const r = mulberry32(seed);
  const out: CorpusConversation[] = [];
  const replyStarts = ['', '', '\n', '\n\n', ' ', '\r\n', '  \n', '\t'];
  for (let k = 0; k < n; k++) {
    const messages: CorpusConversation['messages'] = [];
    if (r() < 0.4)
      messages.push({ role: 'system', content: [{ type: 'text', text: pick(r, ['You are a Sokoban agent.', 'Answer with <think>…</think><action>…</action>.', sentence(r)]) }] });
    const turns = int(r, 1, 4);
    for (let t = 0; t < turns; t++) {
      const prompt = sentence(r);
      const withImage = r() < 0.6;
      const content: CorpusConversation['messages'][number]['content'] = withImage
        ? r() < 0.5
          ? [
              { type: 'image', text: null },
              { type: 'text', text: prompt },
            ]
          : [
              { type: 'text', text: 'Frame: ' },
              { type: 'image', text: null },
              { type: 'text', text: `\n${prompt}` },
            ]
        : [{ type: 'text', text: prompt }];
      messages.push({ role: 'user', content });
      const reply = pick(r, replyStarts) + (r() < 0.7 ? gameReply(r) : sentence(r)) + pick(r, ['', '', '\n', ' ']);
      messages.push({ role: 'assistant', content: [{ type: 'text', text: reply }] });
    }
    out.push({ messages });
  }
  return out;
}
