import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_PLACEHOLDER, type ChatMessage, lossSpans, renderQwenChat, segments } from '../../../main/core/model/chat';
import { QWEN3_VL_SIZING, imageBudget, imageSize, roundHalfEven, smartResize } from '../../../main/core/model/qwenImage';
import { loadTextSide } from '../../../main/core/model/templateAndTokenizer';
import { BpeTokenizer, toJsRegexSource } from '../../../main/core/model/tokenizer';
import { encodePngRgb } from '../../../main/core/util/png';
import { QWEN_SPLIT, QWEN_VL_STYLE_TEMPLATE, SPECIALS, tinyTokenizerJson } from '../../helpers/tokenizer';
import { tempDir } from '../../helpers/tmp';

describe('Qwen3-VL image arithmetic', () => {
  it('rounds halves to even as Python does', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });

  it('smart-resizes to multiples of 32 within min/max pixels and counts grid_h·grid_w/4 tokens', () => {
    expect(imageBudget(256, 256)).toMatchObject({ resizedWidth: 256, resizedHeight: 256, grid: [1, 16, 16], tokens: 64 });
    // 96×96 (ARLArena's raw frame) is below 256² and scales up to 256×256.
    expect(smartResize(96, 96)).toEqual({ height: 256, width: 256 });
    // 48 and 80 px are 1.5 and 2.5 factors: both round to 2 (Math.round would give 2 and 3).
    expect(smartResize(48, 80, { ...QWEN3_VL_SIZING, minPixels: 32 * 32 })).toEqual({ height: 64, width: 64 });
    expect(smartResize(5000, 3000)).toEqual({ height: 4992, width: 3008 });
    const big = imageBudget(2048, 2048, { ...QWEN3_VL_SIZING, maxPixels: 1024 * 1024 });
    expect(big).toMatchObject({ resizedWidth: 1024, resizedHeight: 1024, tokens: 1024 });
    // An odd aspect: area kept under max, both sides multiples of 32.
    const r = smartResize(300, 1000, { ...QWEN3_VL_SIZING, maxPixels: 200_000 });
    expect(r.height % 32).toBe(0);
    expect(r.width % 32).toBe(0);
    expect(r.height * r.width).toBeLessThanOrEqual(200_000);
    expect(() => smartResize(10, 3000)).toThrow(/aspect ratio/);
  });

  it('reads sizes from PNG and JPEG headers', () => {
    expect(imageSize(encodePngRgb(40, 30, new Uint8Array(40 * 30 * 3)))).toEqual({ width: 40, height: 30 });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 120, 0, 160, 3, 0, 0, 0]);
    expect(imageSize(jpeg)).toEqual({ width: 160, height: 120 });
    expect(imageSize(Buffer.from('GIF89a..........'))).toBeNull();
  });
});

describe('byte-level BPE tokenizer', () => {
  const tok = new BpeTokenizer(tinyTokenizerJson() as never);
  const json = tinyTokenizerJson() as { model: { vocab: Record<string, number> }; added_tokens: { id: number; content: string }[] };
  const id = (s: string) => json.model.vocab[s.replace(/ /g, 'Ġ').replace(/\n/g, 'Ċ')]!;

  it('applies merges, the Qwen split and byte-level mapping', () => {
    expect(tok.encode('hello world')).toEqual([id('hello'), id(' world')]);
    // "  world": the split gives " " then " world" (whitespace not followed by a non-space), then "\n".
    expect(tok.encode('hello  world\n')).toEqual([id('hello'), id(' '), id(' world'), id('\n')]);
    // Digits are split one by one; é is two UTF-8 bytes, each its own symbol.
    expect(tok.encode('42')).toEqual([id('4'), id('2')]);
    expect(tok.encode('é')).toHaveLength(2);
  });

  it('matches special tokens first and keeps English contractions case-insensitive', () => {
    const im = json.added_tokens.find((t) => t.content === '<|im_start|>')!.id;
    const pad = json.added_tokens.find((t) => t.content === '<|image_pad|>')!.id;
    expect(tok.encode('<|im_start|>user')).toEqual([im, id('user')]);
    expect(tok.encode('<|image_pad|><|image_pad|>')).toEqual([pad, pad]);
    const split = new RegExp(toJsRegexSource(QWEN_SPLIT), 'gu');
    expect([..."IT'S we'LL 12ab".matchAll(split)].map((m) => m[0])).toEqual(['IT', "'S", ' we', "'LL", ' ', '1', '2', 'ab']);
    expect(SPECIALS.every((s) => tok.specialIds.has(s))).toBe(true);
  });

  it('reads the split pattern as Oniguruma does: its \\s has NEL and not BOM, (?i:s) takes the long s; unsupported syntax is refused', () => {
    const split = new RegExp(toJsRegexSource(QWEN_SPLIT), 'gu');
    const pieces = (s: string) => [...s.matchAll(split)].map((m) => m[0]);
    expect(pieces('a!\u0085\u0085b')).toEqual(['a', '!', '\u0085', '\u0085b']);
    expect(pieces('a \ufeff b')).toEqual(['a', ' \ufeff', ' b']);
    expect(pieces("don'\u017ft")).toEqual(['don', "'\u017f", 't']);
    for (const bad of ['\\d+', '^a', '(?m:a)', '\\p{Lu}', '[\\S]', '\\w']) expect(() => toJsRegexSource(bad), bad).toThrow(/not supported/);
  });

  it('decodes what it encodes, special tokens and multi-byte characters included', () => {
    const text = '<|im_start|>user\nhello  wörld ✓ 42<|im_end|>\n';
    expect(tok.decode(tok.encode(text))).toBe(text);
  });

  it('rejects tokenizers of another kind with the file named', () => {
    expect(() => new BpeTokenizer({ model: { type: 'Unigram' } } as never, 'x/tokenizer.json')).toThrow(/x\/tokenizer.json: model.type must be "BPE"/);
  });
});

describe('chat rendering and loss spans', () => {
  const convo: ChatMessage[] = [
    {
      role: 'user',
      content: [
        { type: 'image', text: null },
        { type: 'text', text: 'Where next? up' },
      ],
    },
    { role: 'assistant', content: [{ type: 'text', text: '<action>up</action>' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Now:' },
        { type: 'image', text: null },
      ],
    },
    { role: 'assistant', content: [{ type: 'text', text: 'up' }] },
  ];

  it("renders a model folder's Jinja template exactly like the built-in Qwen3-VL layout", () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'chat_template.json'), JSON.stringify({ chat_template: QWEN_VL_STYLE_TEMPLATE }));
    writeFileSync(join(dir, 'm', 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
    writeFileSync(join(dir, 'm', 'preprocessor_config.json'), JSON.stringify({ patch_size: 16, merge_size: 2, size: { shortest_edge: 1024, longest_edge: 4096 } }));
    const side = loadTextSide(join(dir, 'm'));
    expect(side.exact).toBe(true);
    expect(side.sizing).toMatchObject({ minPixels: 1024, maxPixels: 4096 });
    const want = renderQwenChat(convo);
    expect(side.render(convo)).toBe(want);
    expect(want).toBe(
      `<|im_start|>user\n${IMAGE_PLACEHOLDER}Where next? up<|im_end|>\n<|im_start|>assistant\n<action>up</action><|im_end|>\n<|im_start|>user\nNow:${IMAGE_PLACEHOLDER}<|im_end|>\n<|im_start|>assistant\nup<|im_end|>\n`,
    );
    expect(side.render(convo.slice(0, 1), true).endsWith('<|im_start|>assistant\n')).toBe(true);
  });

  it('marks assistant text, its end-of-turn token and newline (as TRL does) as the loss, not the prompt that repeats the same word', () => {
    const text = renderQwenChat(convo);
    const spans = lossSpans(text, convo, (m) => m.role === 'assistant');
    const trained = spans.map(([a, b]) => text.slice(a, b));
    expect(trained).toEqual(['<action>up</action><|im_end|>\n', 'up<|im_end|>\n']);
    const segs = segments(text, spans);
    expect(segs.filter((s) => s.kind === 'image')).toEqual([
      { kind: 'image', index: 0 },
      { kind: 'image', index: 1 },
    ]);
    expect(
      segs
        .filter((s) => s.kind === 'text' && s.loss)
        .map((s) => (s as { text: string }).text)
        .join('|'),
    ).toBe('<action>up</action><|im_end|>\n|up<|im_end|>\n');
  });
});

describe('token histogram', () => {
  it('bins every value between round edges starting just below the smallest', async () => {
    const { roundHistogram: histogram } = await import('../../../main/core/util/histogram');
    const h = histogram([503, 517, 560, 1210, 990]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(h.edges[0]).toBe(500);
    expect(h.edges[h.edges.length - 1]!).toBeGreaterThan(1210);
    expect(new Set(h.edges.slice(1).map((e, i) => e - h.edges[i]!)).size).toBe(1);
    expect(histogram([])).toEqual({ edges: [0, 1], counts: [0] });
  });
});
