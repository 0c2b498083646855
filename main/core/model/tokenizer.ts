// A byte-level BPE tokenizer read from a model's tokenizer.json (the
// Qwen2/Qwen3 family: NFC normaliser, regex split, ByteLevel, BPE merges,
// added special tokens matched before anything else). Only the parts those
// tokenizers use are accepted; anything else is a clear error rather than
// token counts that silently differ from the model's.
import { readFileSync } from 'node:fs';
import { ONIG_LETTER, ONIG_NUMBER, ONIG_SPACE } from './unicodeClasses';

interface AddedToken {
  id: number;
  content: string;
  special?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  single_word?: boolean;
}

interface TokenizerJson {
  added_tokens?: AddedToken[];
  normalizer?: { type: string; normalizers?: { type: string }[] } | null;
  pre_tokenizer?: PreTokenizer | null;
  model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[]; ignore_merges?: boolean };
}

interface PreTokenizer {
  type: string;
  pretokenizers?: PreTokenizer[];
  pattern?: { Regex?: string; String?: string };
  use_regex?: boolean;
}

// GPT-2's pattern, used when ByteLevel itself splits (use_regex: true).
const GPT2_SPLIT = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** GPT-2's reversible map from bytes to printable characters. */
function byteToUnicode(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return out;
}
const BYTE_CHARS = byteToUnicode();
const CHAR_BYTES = new Map(BYTE_CHARS.map((c, b) => [c, b]));

// Character classes as Oniguruma (the regex engine of Hugging Face tokenizers)
// has them, built once: JavaScript's own \s, \p{L} and \p{N} differ.
const classBody = (ranges: [number, number][]): string => ranges.map(([a, b]) => (a === b ? `\\u{${a.toString(16)}}` : `\\u{${a.toString(16)}}-\\u{${b.toString(16)}}`)).join('');
const CLASSES: Record<string, string> = { s: classBody(ONIG_SPACE), L: classBody(ONIG_LETTER), N: classBody(ONIG_NUMBER) };
/** Oniguruma's case-insensitive matches of ASCII letters beyond upper/lower case (Unicode simple case folding). */
const FOLDS: Record<string, string> = { s: '\u017f', k: '\u212a' };
const PROPERTY: Record<string, string> = { L: 'L', Letter: 'L', N: 'N', Number: 'N' };

/**
 * An Oniguruma split pattern as a JavaScript source for the 'gu' flags, with
 * Oniguruma's meaning kept: \s, \S, \p{L}, \p{N} become the classes above,
 * (?i:...) groups spell out each letter's case variants (V8 before Node 23 has
 * no inline flags), and '.' excludes only \n. Constructs whose meaning differs
 * and that no byte-level tokenizer uses (\d, \w, \b, anchors, other
 * properties, inline flags other than (?i:) are refused.
 */
export function toJsRegexSource(pattern: string): string {
  let out = '';
  let inClass = false;
  const caseless: boolean[] = [];
  const refuse = (what: string): never => {
    throw new Error(`split pattern ${JSON.stringify(pattern)}: ${what} is not supported`);
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const ci = caseless.length > 0 && caseless[caseless.length - 1]!;
    if (c === '\\') {
      const n = pattern[++i];
      if (n === undefined) refuse('a trailing backslash');
      if (n === 'p' || n === 'P') {
        const close = pattern.indexOf('}', i);
        const name = pattern[i + 1] === '{' && close > 0 ? pattern.slice(i + 2, close) : refuse('\\p without {name}');
        const cls = PROPERTY[name] ?? refuse(`\\p{${name}}`);
        i = close;
        if (n === 'P' && inClass) refuse('\\P inside a class');
        out += inClass ? CLASSES[cls] : n === 'P' ? `[^${CLASSES[cls]}]` : `[${CLASSES[cls]}]`;
      } else if (n === 's') out += inClass ? CLASSES.s : `[${CLASSES.s}]`;
      else if (n === 'S') out += inClass ? refuse('\\S inside a class') : `[^${CLASSES.s}]`;
      else if ('rntfv0'.includes(n!)) out += `\\${n}`;
      else if (n === 'x' || n === 'u') {
        const m = /^(?:x\{([0-9a-fA-F]+)\}|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4}))/.exec(pattern.slice(i)) ?? refuse(`\\${n} without hex digits`);
        out += `\\u{${m[1] ?? m[2] ?? m[3]}}`;
        i += m[0].length - 1;
      } else if (/[A-Za-z0-9]/.test(n!)) refuse(`\\${n}`);
      else out += `\\u{${n!.codePointAt(0)!.toString(16)}}`;
      continue;
    }
    if (inClass) {
      if (c === '[') refuse('a class inside a class');
      if (c === ']') inClass = false;
      else if (ci && /[A-Za-z]/.test(c)) refuse('a letter in a class under (?i:)');
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') refuse("']' first in a class");
    } else if (c === '(') {
      if (pattern.startsWith('(?i:', i)) {
        caseless.push(true);
        out += '(?:';
        i += 3;
        continue;
      }
      const look = /^\(\?(?::|=|!|<=|<!)/.exec(pattern.slice(i));
      if (pattern[i + 1] === '?' && !look) refuse(`the group ${pattern.slice(i, i + 4)}`);
      caseless.push(ci);
      out += look ? look[0] : c;
      i += look ? look[0].length - 1 : 0;
    } else if (c === ')') {
      caseless.pop();
      out += c;
    } else if (c === '.') out += '[^\\n]';
    else if (c === '^' || c === '$') refuse(`the anchor ${c}`);
    else if (ci && /[A-Za-z]/.test(c)) out += `[${c.toLowerCase()}${c.toUpperCase()}${FOLDS[c.toLowerCase()] ?? ''}]`;
    else out += c;
  }
  if (inClass) refuse('an unclosed class');
  return out;
}

/** Token ids with, per token, the [start, end) range of the input text (UTF-16 units) it came from. */
export interface EncodedText {
  ids: number[];
  offsets: [number, number][];
}

export class BpeTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly added: AddedToken[];
  private readonly addedSplit: RegExp | null;
  private readonly split: RegExp;
  private readonly nfc: boolean;
  private readonly ignoreMerges: boolean;
  private readonly cache = new Map<string, number[]>();
  private byId: Map<number, string> | null = null;
  readonly specialIds: Map<string, number>;

  constructor(
    json: TokenizerJson,
    readonly source = 'tokenizer.json',
  ) {
    const model = json.model;
    if (!model || model.type !== 'BPE') throw new Error(`${source}: model.type must be "BPE" (byte-level BPE as Qwen uses), got ${JSON.stringify(model?.type)}`);
    if (!model.vocab || typeof model.vocab !== 'object') throw new Error(`${source}: model.vocab is missing`);
    this.vocab = new Map(Object.entries(model.vocab));
    this.ranks = new Map();
    (model.merges ?? []).forEach((m, i) => {
      const pair = Array.isArray(m) ? m : m.split(' ');
      if (pair.length !== 2) throw new Error(`${source}: model.merges[${i}] is not a pair: ${JSON.stringify(m)}`);
      this.ranks.set(`${pair[0]} ${pair[1]}`, i);
    });
    this.ignoreMerges = !!model.ignore_merges;
    for (const t of json.added_tokens ?? []) {
      // Hugging Face would strip or word-bound these; counting them as plain matches would silently differ.
      if (t.lstrip || t.rstrip || t.single_word)
        throw new Error(`${source}: added token ${JSON.stringify(t.content)} uses lstrip/rstrip/single_word, which this reader does not apply`);
    }
    // Longest first: at each position the longest added token wins, as Hugging Face's matcher does.
    this.added = [...(json.added_tokens ?? [])].sort((a, b) => b.content.length - a.content.length);
    this.specialIds = new Map(this.added.map((t) => [t.content, t.id]));
    this.addedSplit = this.added.length ? new RegExp(this.added.map((t) => escapeRegex(t.content)).join('|'), 'gu') : null;
    const norm = json.normalizer;
    this.nfc = !!norm && (norm.type === 'NFC' || (norm.type === 'Sequence' && !!norm.normalizers?.some((n) => n.type === 'NFC')));
    const pattern = splitPattern(json.pre_tokenizer ?? null, source);
    try {
      this.split = new RegExp(toJsRegexSource(pattern), 'gu');
    } catch (err) {
      throw new Error(`${source}: ${(err as Error).message}`);
    }
  }

  static fromFile(file: string): BpeTokenizer {
    let json: TokenizerJson;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as TokenizerJson;
    } catch (err) {
      throw new Error(`${file}: cannot read tokenizer: ${(err as Error).message}`);
    }
    return new BpeTokenizer(json, file);
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    this.run(text, ids, null);
    return ids;
  }

  /** Ids as encode() gives them, and where in `text` each token came from (labels are placed by these). */
  encodeWithOffsets(text: string): EncodedText {
    const out: EncodedText = { ids: [], offsets: [] };
    this.run(text, out.ids, out.offsets);
    return out;
  }

  count(text: string): number {
    return this.encode(text).length;
  }

  /** Token ids back to text (byte-level: invalid UTF-8 sequences become U+FFFD). */
  decode(ids: ArrayLike<number>): string {
    const byId = this.tokens();
    const bytes: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const tok = byId.get(ids[i]!);
      if (tok === undefined) continue;
      if (this.specialIds.has(tok)) bytes.push(...Buffer.from(tok, 'utf8'));
      else for (const ch of tok) bytes.push(CHAR_BYTES.get(ch) ?? 63);
    }
    return Buffer.from(bytes).toString('utf8');
  }

  private tokens(): Map<number, string> {
    if (!this.byId) {
      this.byId = new Map();
      for (const [tok, id] of this.vocab) this.byId.set(id, tok);
      for (const t of this.added) this.byId.set(t.id, t.content);
    }
    return this.byId;
  }

  /**
   * As Hugging Face tokenizers does it: added tokens are cut out of the raw
   * text first; each run between them is NFC-normalised on its own, split by
   * the pattern (matches and the text between them are separate pieces,
   * "Isolated"), and each piece is BPE-merged over its UTF-8 bytes.
   */
  private run(text: string, ids: number[], offsets: [number, number][] | null): void {
    let at = 0;
    if (this.addedSplit) {
      for (const m of text.matchAll(this.addedSplit)) {
        if (m.index > at) this.runPlain(text, at, m.index, ids, offsets);
        ids.push(this.specialIds.get(m[0])!);
        offsets?.push([m.index, m.index + m[0].length]);
        at = m.index + m[0].length;
      }
    }
    if (at < text.length) this.runPlain(text, at, text.length, ids, offsets);
  }

  private runPlain(text: string, from: number, to: number, ids: number[], offsets: [number, number][] | null): void {
    const raw = text.slice(from, to);
    const align = offsets ? nfcAligned(raw, this.nfc) : null;
    const normal = align ? align.text : this.nfc ? raw.normalize('NFC') : raw;
    const piece = (a: number, b: number): void => {
      const word = this.word(normal.slice(a, b));
      if (!offsets || !align) {
        for (const id of word) ids.push(id);
        return;
      }
      // Each token's bytes → the UTF-16 units of the normalised piece → the raw text they came from.
      const units = byteUnits(normal, a, b);
      let byte = 0;
      const byId = this.tokens();
      for (const id of word) {
        const len = byId.get(id)!.length; // one printable character per byte
        const u0 = units[byte]!;
        const u1 = units[byte + len - 1]!;
        ids.push(id);
        offsets.push([from + align.from[u0]!, from + align.to[u1]!]);
        byte += len;
      }
    };
    // exec() on the one compiled pattern (matchAll would clone it for every run of text).
    const re = this.split;
    re.lastIndex = 0;
    let at = 0;
    for (let m = re.exec(normal); m; m = re.exec(normal)) {
      if (m.index > at) piece(at, m.index);
      if (m[0]) piece(m.index, m.index + m[0].length);
      else re.lastIndex += normal.codePointAt(m.index)! > 0xffff ? 2 : 1;
      at = m.index + m[0].length;
    }
    if (at < normal.length) piece(at, normal.length);
  }

  private word(piece: string): number[] {
    const hit = this.cache.get(piece);
    if (hit) return hit;
    const chars = [...Buffer.from(piece, 'utf8')].map((b) => BYTE_CHARS[b]!);
    const whole = this.ignoreMerges ? this.vocab.get(chars.join('')) : undefined;
    let symbols = whole === undefined ? chars : [chars.join('')];
    while (symbols.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const a = symbols[best]!;
      const b = symbols[best + 1]!;
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(symbols[i]!);
      }
      symbols = merged;
    }
    const ids = symbols.map((s) => {
      const id = this.vocab.get(s);
      if (id === undefined) throw new Error(`${this.source}: symbol ${JSON.stringify(s)} is not in the vocabulary`);
      return id;
    });
    if (this.cache.size < 200_000) this.cache.set(piece, ids);
    return ids;
  }
}

/** For each UTF-8 byte of text[a, b), the index (in text) of the UTF-16 unit that starts its character. */
function byteUnits(text: string, a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b;) {
    const cp = text.codePointAt(i)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    const w = cp >= 0x10000 ? 2 : 1;
    for (let k = 0; k < n; k++) out.push(i);
    i += w;
  }
  return out;
}

/** Characters that NFC may compose with what precedes them: marks, and Hangul vowel and final jamo. */
const COMBINES = /^[\p{M}\u1160-\u11ff]/u;

/**
 * The NFC form of `raw` with, per UTF-16 unit of it, the range of `raw` it came
 * from (from[i] inclusive, to[i] exclusive). Normalised chunk by chunk, a chunk
 * starting at each character that composes with nothing before it; if that
 * ever differs from normalising the whole, every unit maps to all of `raw`.
 */
function nfcAligned(raw: string, nfc: boolean): { text: string; from: Int32Array; to: Int32Array } {
  const whole = nfc ? raw.normalize('NFC') : raw;
  const from = new Int32Array(whole.length);
  const to = new Int32Array(whole.length);
  const identity = (): void => {
    for (let i = 0; i < whole.length; i++) {
      const pair = i + 1 < whole.length && whole.charCodeAt(i) >= 0xd800 && whole.charCodeAt(i) < 0xdc00;
      from[i] = i;
      to[i] = i + (pair ? 2 : 1);
      if (pair) {
        from[i + 1] = i;
        to[i + 1] = i + 2;
        i++;
      }
    }
  };
  if (whole === raw) {
    identity();
    return { text: whole, from, to };
  }
  let text = '';
  let start = 0;
  const flush = (end: number): void => {
    const n = raw.slice(start, end).normalize('NFC');
    from.fill(start, text.length, Math.min(whole.length, text.length + n.length));
    to.fill(end, text.length, Math.min(whole.length, text.length + n.length));
    text += n;
    start = end;
  };
  for (let i = 0; i < raw.length;) {
    const ch = String.fromCodePoint(raw.codePointAt(i)!);
    if (i > 0 && !COMBINES.test(ch)) flush(i);
    i += ch.length;
  }
  flush(raw.length);
  if (text !== whole) {
    from.fill(0);
    to.fill(raw.length);
  }
  return { text: whole, from, to };
}

function splitPattern(pre: PreTokenizer | null, source: string): string {
  if (!pre) return '[\\s\\S]+';
  const list = pre.type === 'Sequence' ? (pre.pretokenizers ?? []) : [pre];
  for (const p of list) {
    if (p.type === 'Split') {
      if (p.pattern?.Regex) return p.pattern.Regex;
      if (p.pattern?.String !== undefined) return escapeRegex(p.pattern.String);
    }
    if (p.type === 'ByteLevel' && p.use_regex) return GPT2_SPLIT;
  }
  if (list.some((p) => p.type === 'ByteLevel')) return '[\\s\\S]+';
  throw new Error(`${source}: pre_tokenizer ${JSON.stringify(pre.type)} is not a byte-level split this reader knows`);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
