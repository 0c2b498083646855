import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHeader, readTensor, writeSafetensors } from '../../../../main/core/native/safetensors';
import { mergeModel } from '../../../../main/core/steps/merge/mergeModel';
import { TINY, fromBf16, makeLoraAdapter, makeQwen3VLCheckpoint, type TinyDims } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';
import { bf16Bits, doubleToBf16, exactMerge } from '../../../helpers/mergeReference';

function setup(opts: { dtype?: 'BF16' | 'F32'; rslora?: boolean; dora?: boolean; alpha?: number; r?: number; dims?: TinyDims } = {}) {
  const root = tempDir();
  const base = join(root, 'base');
  const adapter = join(root, 'adapter');
  const specs = makeQwen3VLCheckpoint(base, { dtype: opts.dtype ?? 'BF16', shards: 2, dims: opts.dims });
  makeLoraAdapter(adapter, specs, { r: opts.r ?? 8, alpha: opts.alpha ?? 16, rslora: opts.rslora, dora: opts.dora });
  return { root, base, adapter, specs };
}

const fileOf = (dir: string, name: string): string => {
  const idx = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
  return join(dir, idx.weight_map[name]!);
};

const LORA_W = 'model.language_model.layers.1.self_attn.q_proj.weight';
const LORA_M = 'base_model.model.model.language_model.layers.1.self_attn.q_proj';

describe('LoRA merge', () => {
  it('single rounding equals the float64 merge rounded once to bf16, bit for bit', async () => {
    const { root, base, adapter, specs } = setup();
    const out = join(root, 'merged');
    await mergeModel({ baseDir: base, adapterDir: adapter, outDir: out, rounding: 'single' });
    for (const t of specs.filter((s) => /layers\.\d+\.(self_attn|mlp)\.\w+_proj\.weight$/.test(s.name))) {
      const m = t.name.replace(/\.weight$/, '');
      const ref = exactMerge({
        baseFile: fileOf(base, t.name),
        weight: t.name,
        adapterFile: join(adapter, 'adapter_model.safetensors'),
        a: `base_model.model.${m}.lora_A.weight`,
        b: `base_model.model.${m}.lora_B.weight`,
        scale: 2,
      });
      const got = bf16Bits(readTensor(fileOf(out, t.name), t.name).data);
      const want = Uint16Array.from(ref.values.map(doubleToBf16));
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), t.name).toBe(true);
    }
  });

  it('PEFT rounding stays within one bf16 step of the exact merge and mostly equals it', async () => {
    const { root, base, adapter } = setup();
    const out = join(root, 'merged');
    await mergeModel({ baseDir: base, adapterDir: adapter, outDir: out });
    const ref = exactMerge({
      baseFile: fileOf(base, LORA_W),
      weight: LORA_W,
      adapterFile: join(adapter, 'adapter_model.safetensors'),
      a: `${LORA_M}.lora_A.weight`,
      b: `${LORA_M}.lora_B.weight`,
      scale: 2,
    });
    const got = bf16Bits(readTensor(fileOf(out, LORA_W), LORA_W).data);
    let same = 0;
    got.forEach((g, i) => {
      const want = doubleToBf16(ref.values[i]!);
      expect(Math.abs(g - want)).toBeLessThanOrEqual(1);
      if (g === want) same++;
    });
    expect(same / got.length).toBeGreaterThan(0.97);
    // The merge really changed the weight.
    const before = bf16Bits(readTensor(fileOf(base, LORA_W), LORA_W).data);
    expect(Buffer.from(before.buffer).equals(Buffer.from(got.buffer))).toBe(false);
  });

  it('uses alpha/sqrt(r) with rsLoRA', async () => {
    const { root, base, adapter } = setup({ rslora: true, r: 4, alpha: 8 });
    const out = join(root, 'merged');
    await mergeModel({ baseDir: base, adapterDir: adapter, outDir: out, rounding: 'single' });
    const ref = exactMerge({
      baseFile: fileOf(base, LORA_W),
      weight: LORA_W,
      adapterFile: join(adapter, 'adapter_model.safetensors'),
      a: `${LORA_M}.lora_A.weight`,
      b: `${LORA_M}.lora_B.weight`,
      scale: 8 / Math.sqrt(4),
    });
    expect([...bf16Bits(readTensor(fileOf(out, LORA_W), LORA_W).data)]).toEqual(ref.values.map(doubleToBf16));
  });

  it('merges DoRA: m/‖W+ΔW‖·(W+ΔW) per output row', async () => {
    const { root, base, adapter } = setup({ dora: true });
    const out = join(root, 'merged');
    await mergeModel({ baseDir: base, adapterDir: adapter, outDir: out, rounding: 'single' });
    const ref = exactMerge({
      baseFile: fileOf(base, LORA_W),
      weight: LORA_W,
      adapterFile: join(adapter, 'adapter_model.safetensors'),
      a: `${LORA_M}.lora_A.weight`,
      b: `${LORA_M}.lora_B.weight`,
      scale: 2,
      magnitude: `${LORA_M}.lora_magnitude_vector`,
    });
    const got = bf16Bits(readTensor(fileOf(out, LORA_W), LORA_W).data);
    got.forEach((g, i) => expect(Math.abs(g - doubleToBf16(ref.values[i]!))).toBeLessThanOrEqual(1));
  });

  it('writes a complete folder: shards + index, untouched tensors byte-identical, config dtype, tokenizer files, model card', async () => {
    const { root, base, adapter, specs } = setup();
    const out = join(root, 'merged');
    const r = await mergeModel({ baseDir: base, adapterDir: adapter, outDir: out, lineage: ['adapter from run abc'] });
    expect(r.mergedModules).toBe(14); // 7 projections × 2 layers
    const files = readdirSync(out).sort();
    for (const f of [
      'README.md',
      'chat_template.json',
      'config.json',
      'generation_config.json',
      'model.safetensors.index.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ])
      expect(files).toContain(f);
    expect(files.some((f) => f.includes('.partial'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.partial'))).toEqual([]);
    const idx = JSON.parse(readFileSync(join(out, 'model.safetensors.index.json'), 'utf8'));
    expect(Object.keys(idx.weight_map).sort()).toEqual(specs.map((s) => s.name).sort());
    let total = 0;
    for (const f of new Set(Object.values(idx.weight_map) as string[])) total += readHeader(join(out, f)).tensors.reduce((s, t) => s + t.byteLength, 0);
    expect(idx.metadata.total_size).toBe(total);
    // Every tensor re-read: LoRA targets changed, everything else identical to the base.
    for (const s of specs) {
      const a = readTensor(fileOf(base, s.name), s.name);
      const b = readTensor(fileOf(out, s.name), s.name);
      expect(b.shape).toEqual(a.shape);
      expect(b.dtype).toBe('BF16');
      const lora = /layers\.\d+\.(self_attn|mlp)\.\w+_proj\.weight$/.test(s.name);
      expect(a.data.equals(b.data), s.name).toBe(!lora);
    }
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg.dtype).toBe('bfloat16');
    expect(cfg.torch_dtype).toBe('bfloat16');
    expect(cfg.text_config.dtype).toBe('bfloat16');
    expect(cfg.architectures).toEqual(['Qwen3VLForConditionalGeneration']);
    expect(readFileSync(join(out, 'tokenizer.json'))).toEqual(readFileSync(join(base, 'tokenizer.json')));
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(card).toContain('r=8, lora_alpha=16');
    expect(card).toContain('adapter from run abc');
  });

  it('converts an fp32 base to bf16 shards (round to nearest even) and sets the config dtype', async () => {
    const { root, base, adapter } = setup({ dtype: 'F32' });
    const out = join(root, 'merged');
    await mergeModel({ baseDir: base, adapterDir: adapter, outDir: out });
    const name = 'model.visual.blocks.0.attn.qkv.weight';
    const src = new Float32Array(readTensor(fileOf(base, name), name).data.buffer.slice(0));
    const got = bf16Bits(readTensor(fileOf(out, name), name).data);
    src.forEach((v, i) => expect(got[i]).toBe(doubleToBf16(v)));
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).dtype).toBe('bfloat16');
  });

  it('maps adapters saved against the older layout (model.layers.N) onto Qwen3-VL keys', async () => {
    const root = tempDir();
    const specs = makeQwen3VLCheckpoint(join(root, 'base'), {});
    makeLoraAdapter(join(root, 'adapter'), specs, { keyPrefix: 'model.layers.' });
    const r = await mergeModel({ baseDir: join(root, 'base'), adapterDir: join(root, 'adapter'), outDir: join(root, 'out') });
    expect(r.mergedModules).toBe(14);
  });

  it('merges a LoRA on lm_head of a tied model by untying it', async () => {
    const root = tempDir();
    const specs = makeQwen3VLCheckpoint(join(root, 'base'), { tie: true });
    makeLoraAdapter(join(root, 'adapter'), specs, {
      targets: ['q_proj'],
      extra: [
        { name: 'base_model.model.lm_head.lora_A.weight', shape: [8, TINY.hidden] },
        { name: 'base_model.model.lm_head.lora_B.weight', shape: [TINY.vocab, 8] },
      ],
    });
    const cfgPath = join(root, 'adapter', 'adapter_config.json');
    writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, 'utf8')), target_modules: ['q_proj', 'lm_head'] }));
    const out = join(root, 'out');
    await mergeModel({ baseDir: join(root, 'base'), adapterDir: join(root, 'adapter'), outDir: out });
    const idx = JSON.parse(readFileSync(join(out, 'model.safetensors.index.json'), 'utf8'));
    expect(idx.weight_map['lm_head.weight']).toBeDefined();
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg.tie_word_embeddings).toBe(false);
    expect(cfg.text_config.tie_word_embeddings).toBe(false);
    const head = readTensor(fileOf(out, 'lm_head.weight'), 'lm_head.weight');
    const emb = readTensor(fileOf(out, 'model.language_model.embed_tokens.weight'), 'model.language_model.embed_tokens.weight');
    expect(head.shape).toEqual(emb.shape);
    expect(head.data.equals(emb.data)).toBe(false);
    expect(fromBf16(bf16Bits(head.data)[0]!)).not.toBeNaN();
  });
});

describe('merge refuses bad input clearly and leaves nothing behind', () => {
  const expectNothingLeft = (root: string): void => {
    expect(existsSync(join(root, 'out'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.startsWith('out'))).toEqual([]);
  };

  it('an adapter key that matches no base tensor names the key', async () => {
    const root = tempDir();
    const specs = makeQwen3VLCheckpoint(join(root, 'base'), {});
    makeLoraAdapter(join(root, 'adapter'), specs, {
      extra: [
        { name: 'base_model.model.model.language_model.layers.9.self_attn.q_proj.lora_A.weight', shape: [8, 64] },
        { name: 'base_model.model.model.language_model.layers.9.self_attn.q_proj.lora_B.weight', shape: [64, 8] },
      ],
    });
    await expect(mergeModel({ baseDir: join(root, 'base'), adapterDir: join(root, 'adapter'), outDir: join(root, 'out') })).rejects.toThrow(
      /module 'model\.language_model\.layers\.9\.self_attn\.q_proj': the base model has no weight for this module/,
    );
    expectNothingLeft(root);
  });

  it('a shape mismatch names the module and both shapes', async () => {
    const root = tempDir();
    makeQwen3VLCheckpoint(join(root, 'base'), {});
    const other = makeQwen3VLCheckpoint(join(root, 'other'), { dims: { ...TINY, hidden: 32, headDim: 8 } });
    makeLoraAdapter(join(root, 'adapter'), other, {});
    await expect(mergeModel({ baseDir: join(root, 'base'), adapterDir: join(root, 'adapter'), outDir: join(root, 'out') })).rejects.toThrow(
      /shape mismatch — base '.*' is \[\d+, \d+\], lora_A \[8, 32\]/,
    );
    expectNothingLeft(root);
  });

  it('a key that is not a LoRA key, a non-float dtype, a missing pair and a non-target module', async () => {
    const root = tempDir();
    const specs = makeQwen3VLCheckpoint(join(root, 'base'), {});
    const run = (dir: string) => mergeModel({ baseDir: join(root, 'base'), adapterDir: dir, outDir: join(root, 'out') });
    // not a PEFT key
    makeLoraAdapter(join(root, 'a1'), specs, { extra: [{ name: 'lora_weights_blob', shape: [4] }] });
    await expect(run(join(root, 'a1'))).rejects.toThrow(/key 'lora_weights_blob' is not a PEFT LoRA key/);
    // integer tensor
    makeLoraAdapter(join(root, 'a2'), specs, { targets: ['q_proj'] });
    writeSafetensors(join(root, 'a2', 'adapter_model.safetensors'), [{ name: `${LORA_M}.lora_A.weight`, dtype: 'I32', shape: [8, 64], data: Buffer.alloc(8 * 64 * 4) }]);
    await expect(run(join(root, 'a2'))).rejects.toThrow(/has unsupported dtype I32/);
    // lora_A without lora_B
    writeSafetensors(join(root, 'a2', 'adapter_model.safetensors'), [{ name: `${LORA_M}.lora_A.weight`, dtype: 'F32', shape: [8, 64], data: Buffer.alloc(8 * 64 * 4) }]);
    await expect(run(join(root, 'a2'))).rejects.toThrow(/has lora_A but no lora_B/);
    // module not in target_modules
    makeLoraAdapter(join(root, 'a3'), specs, { targets: ['q_proj', 'k_proj'] });
    const cfg = join(root, 'a3', 'adapter_config.json');
    writeFileSync(cfg, JSON.stringify({ ...JSON.parse(readFileSync(cfg, 'utf8')), target_modules: ['q_proj'] }));
    await expect(run(join(root, 'a3'))).rejects.toThrow(/k_proj' is not in target_modules \["q_proj"\]/);
    // broken adapter_config.json
    writeFileSync(cfg, '{"r": "eight"}');
    await expect(run(join(root, 'a3'))).rejects.toThrow(/adapter_config\.json: r:/);
    expectNothingLeft(root);
  });

  it('an existing output folder is never overwritten', async () => {
    const { root, base, adapter } = setup();
    await mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(root, 'out') });
    await expect(mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(root, 'out') })).rejects.toThrow(/already exists/);
  });

  it('cancelling mid-merge leaves no output and no partial folder', async () => {
    const { root, base, adapter } = setup({ dims: { ...TINY, hidden: 512, intermediate: 1024, layers: 6, heads: 8, kvHeads: 4, headDim: 64, vocab: 4096 } });
    const ac = new AbortController();
    let seen = 0;
    await expect(
      mergeModel({
        baseDir: base,
        adapterDir: adapter,
        outDir: join(root, 'out'),
        signal: ac.signal,
        threads: 1,
        onProgress: (p) => {
          seen = p.tensorsDone;
          if (p.tensorsDone >= 3) ac.abort();
        },
      }),
    ).rejects.toThrow(/cancelled/);
    expect(seen).toBeGreaterThanOrEqual(3);
    expectNothingLeft(root);
  });
});
