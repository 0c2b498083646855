// A byte-level BPE tokenizer read from a model's tokenizer.json (the
// Qwen2/Qwen3 family: NFC normaliser, regex split, ByteLevel, BPE merges,
// added special tokens matched before anything else). Only the parts those
// tokenizers use are accepted; anything else is a clear error rather than
// token counts that silently differ from the model's.
import { readFileSync } from 'node:fs';

interface AddedToken {
  id: number;
  content: string;
  special?: boolean;
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

/**
 * Oniguruma patterns use (?i:...) for the English contractions; V8 before
 * Node 23 has no inline flags, so letters inside such a group become [xX].
 */
export function toJsRegexSource(pattern: string): string {
  return pattern.replace(/\(\?i:([^()]*)\)/g, (_, body: string) => `(?:${body.replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)})`);
}

export class BpeTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly added: AddedToken[];
  private readonly addedSplit: RegExp | null;
  private readonly split: RegExp;
  private readonly nfc: boolean;
  private readonly cache = new Map<string, number[]>();
  private byId: Map<number, string> | null = null;
  readonly specialIds: Map<string, number>;

  constructor(json: TokenizerJson, readonly source = 'tokenizer.json') {
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
    this.added = [...(json.added_tokens ?? [])].sort((a, b) => b.content.length - a.content.length);
    this.specialIds = new Map(this.added.map((t) => [t.content, t.id]));
    this.addedSplit = this.added.length ? new RegExp(`(${this.added.map((t) => escapeRegex(t.content)).join('|')})`, 'u') : null;
    const norm = json.normalizer;
    this.nfc = !!norm && (norm.type === 'NFC' || (norm.type === 'Sequence' && !!norm.normalizers?.some((n) => n.type === 'NFC')));
    this.split = new RegExp(toJsRegexSource(splitPattern(json.pre_tokenizer ?? null, source)), 'gu');
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
    const parts = this.addedSplit ? text.split(this.addedSplit) : [text];
    parts.forEach((part, i) => {
      if (!part) return;
      // split() with one capture group puts the matched added tokens at odd indices.
      if (this.addedSplit && i % 2 === 1) {
        ids.push(this.specialIds.get(part)!);
        return;
      }
      const normal = this.nfc ? part.normalize('NFC') : part;
      // Isolated split: matches and the text between them are separate pieces.
      let at = 0;
      for (const m of normal.matchAll(this.split)) {
        if (m.index > at) ids.push(...this.word(normal.slice(at, m.index)));
        if (m[0]) ids.push(...this.word(m[0]));
        at = m.index + m[0].length;
      }
      if (at < normal.length) ids.push(...this.word(normal.slice(at)));
    });
    return ids;
  }

  /** Token ids back to text (byte-level: invalid UTF-8 sequences become U+FFFD). */
  decode(ids: ArrayLike<number>): string {
    if (!this.byId) {
      this.byId = new Map();
      for (const [tok, id] of this.vocab) this.byId.set(id, tok);
      for (const t of this.added) this.byId.set(t.id, t.content);
    }
    const bytes: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const tok = this.byId.get(ids[i]!);
      if (tok === undefined) continue;
      if (this.specialIds.has(tok)) bytes.push(...Buffer.from(tok, 'utf8'));
      else for (const ch of tok) bytes.push(CHAR_BYTES.get(ch) ?? 63);
    }
    return Buffer.from(bytes).toString('utf8');
  }

  count(text: string): number {
    return this.encode(text).length;
  }

  private word(piece: string): number[] {
    const hit = this.cache.get(piece);
    if (hit) return hit;
    const chars = [...Buffer.from(piece, 'utf8')].map((b) => BYTE_CHARS[b]!);
    let symbols = chars;
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
