// A plain float64 Qwen3-VL forward written from the model's definition (no
// libtorch, naive loops): the CPU reference the native engine is checked
// against, llm.c style. Only for tiny checkpoints.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHeader, readTensor } from '../../main/core/native/safetensors';

type M = { rows: number; cols: number; d: Float64Array<ArrayBufferLike> };
const mat = (rows: number, cols: number, d: Float64Array<ArrayBufferLike> = new Float64Array(rows * cols)): M => ({ rows, cols, d });

export function loadWeights(dir: string): Map<string, { shape: number[]; d: Float64Array }> {
  const index = join(dir, 'model.safetensors.index.json');
  const files = existsSync(index) ? [...new Set(Object.values(JSON.parse(readFileSync(index, 'utf8')).weight_map as Record<string, string>))] : ['model.safetensors'];
  const out = new Map<string, { shape: number[]; d: Float64Array }>();
  for (const f of files) {
    const path = join(dir, f);
    for (const t of readHeader(path).tensors) {
      const data = readTensor(path, t.name);
      if (data.dtype !== 'F32') throw new Error('the reference reads F32 checkpoints only');
      const f32 = new Float32Array(data.data.buffer, data.data.byteOffset, data.data.byteLength / 4);
      out.set(t.name, { shape: t.shape, d: Float64Array.from(f32) });
    }
  }
  return out;
}

function linear(x: M, w: { shape: number[]; d: Float64Array }, b?: { d: Float64Array }): M {
  const out = w.shape[0]!;
  const inn = w.d.length / out;
  if (inn !== x.cols) throw new Error(`linear: ${x.cols} inputs for a ${out}×${inn} weight`);
  const y = mat(x.rows, out);
  for (let r = 0; r < x.rows; r++)
    for (let o = 0; o < out; o++) {
      let acc = b ? b.d[o]! : 0;
      for (let i = 0; i < inn; i++) acc += x.d[r * inn + i]! * w.d[o * inn + i]!;
      y.d[r * out + o] = acc;
    }
  return y;
}

function layerNorm(x: M, w: Float64Array, b: Float64Array, width = x.cols): M {
  const y = mat(x.rows, x.cols);
  for (let g = 0; g < x.d.length / width; g++) {
    let mean = 0;
    for (let i = 0; i < width; i++) mean += x.d[g * width + i]!;
    mean /= width;
    let v = 0;
    for (let i = 0; i < width; i++) v += (x.d[g * width + i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / width + 1e-6);
    for (let i = 0; i < width; i++) y.d[g * width + i] = (x.d[g * width + i]! - mean) * inv * w[i]! + b[i]!;
  }
  return y;
}

/** RMSNorm over each run of `width` values. */
export function rmsNorm(v: ArrayLike<number>, w: ArrayLike<number>, width: number, eps: number): Float64Array {
  const y = new Float64Array(v.length);
  for (let g = 0; g < v.length / width; g++) {
    let s = 0;
    for (let i = 0; i < width; i++) s += v[g * width + i]! ** 2;
    const inv = 1 / Math.sqrt(s / width + eps);
    for (let i = 0; i < width; i++) y[g * width + i] = v[g * width + i]! * inv * w[i]!;
  }
  return y;
}

// erf by its Maclaurin series (|x| < 3) or the asymptotic continued fraction: ~1e-12.
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 100; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f));
}
const geluErf = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
export const silu = (x: number) => x / (1 + Math.exp(-x));

/** Rotates each head_dim vector in place: v·cos + rotate_half(v)·sin. */
export function rope(v: Float64Array, at: number, hd: number, cos: Float64Array, sin: Float64Array, c0: number): void {
  const half = hd / 2;
  const orig = v.slice(at, at + hd);
  for (let i = 0; i < hd; i++) {
    const rot = i < half ? -orig[i + half]! : orig[i - half]!;
    v[at + i] = orig[i]! * cos[c0 + i]! + rot * sin[c0 + i]!;
  }
}

export interface RefConfig {
  text: {
    hidden_size: number;
    num_hidden_layers: number;
    num_attention_heads: number;
    num_key_value_heads: number;
    head_dim: number;
    vocab_size: number;
    rms_norm_eps: number;
    rope_theta: number;
    rope_scaling: { mrope_section: number[] };
  };
  vision: { depth: number; hidden_size: number; num_heads: number; num_position_embeddings: number; deepstack_visual_indexes: number[]; spatial_merge_size: number };
  image_token_id: number;
}

export function referenceVision(W: ReturnType<typeof loadWeights>, c: RefConfig, pixels: Float32Array, grids: [number, number, number][]): { embeds: M; deep: M[] } {
  const v = c.vision;
  const vh = v.hidden_size;
  const m = v.spatial_merge_size;
  const g = (n: string) => W.get(`model.visual.${n}`)!;
  const n = grids.reduce((a, [t, h, w]) => a + t * h * w, 0);
  let x = linear(mat(n, pixels.length / n, Float64Array.from(pixels)), g('patch_embed.proj.weight'), g('patch_embed.proj.bias'));
  // Learned positions, bilinearly resampled, in merge-block order; and the 2-D rotary angles.
  const side = Math.round(Math.sqrt(v.num_position_embeddings));
  const hd = vh / v.num_heads;
  const rdim = hd / 2;
  const cos = new Float64Array(n * hd);
  const sin = new Float64Array(n * hd);
  let row = 0;
  const lengths: number[] = [];
  for (const [t, h, w] of grids) {
    lengths.push(t * h * w);
    const lin = (k: number, len: number) => (len === 1 ? 0 : (k * (side - 1)) / (len - 1));
    for (let tt = 0; tt < t; tt++)
      for (let bh = 0; bh < h / m; bh++)
        for (let bw = 0; bw < w / m; bw++)
          for (let ih = 0; ih < m; ih++)
            for (let iw = 0; iw < m; iw++) {
              const r = bh * m + ih;
              const col = bw * m + iw;
              const fy = lin(r, h);
              const fx = lin(col, w);
              const y0 = Math.floor(fy);
              const x0 = Math.floor(fx);
              const y1 = Math.min(y0 + 1, side - 1);
              const x1 = Math.min(x0 + 1, side - 1);
              const dy = fy - y0;
              const dx = fx - x0;
              const pe = g('pos_embed.weight').d;
              for (let k = 0; k < vh; k++) {
                const e =
                  (1 - dy) * (1 - dx) * pe[(y0 * side + x0) * vh + k]! +
                  (1 - dy) * dx * pe[(y0 * side + x1) * vh + k]! +
                  dy * (1 - dx) * pe[(y1 * side + x0) * vh + k]! +
                  dy * dx * pe[(y1 * side + x1) * vh + k]!;
                x.d[row * vh + k] = x.d[row * vh + k]! + e;
              }
              for (let j = 0; j < rdim / 2; j++) {
                const f = 1 / 10000 ** ((2 * j) / rdim);
                for (const [slot, pos] of [
                  [j, r],
                  [j + rdim / 2, col],
                ] as const) {
                  for (const off of [0, rdim]) {
                    cos[row * hd + slot + off] = Math.cos(pos * f);
                    sin[row * hd + slot + off] = Math.sin(pos * f);
                  }
                }
              }
              row++;
            }
  }
  const deep: M[] = [];
  const merge = (prefix: string, h: M, post: boolean): M => {
    const p = (s: string) => W.get(`model.visual.${prefix}.${s}`)!;
    const normed = post ? layerNorm(mat(h.rows / (m * m), vh * m * m, h.d), p('norm.weight').d, p('norm.bias').d) : layerNorm(h, p('norm.weight').d, p('norm.bias').d);
    const grouped = mat(h.rows / (m * m), vh * m * m, normed.d);
    const a = linear(grouped, p('linear_fc1.weight'), p('linear_fc1.bias'));
    a.d.forEach((z, i) => (a.d[i] = geluErf(z)));
    return linear(a, p('linear_fc2.weight'), p('linear_fc2.bias'));
  };
  for (let blk = 0; blk < v.depth; blk++) {
    const p = (s: string) => g(`blocks.${blk}.${s}`);
    const h = layerNorm(x, p('norm1.weight').d, p('norm1.bias').d);
    const qkv = linear(h, p('attn.qkv.weight'), p('attn.qkv.bias'));
    const q = new Float64Array(n * vh);
    const k = new Float64Array(n * vh);
    const val = new Float64Array(n * vh);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < vh; i++) {
        q[r * vh + i] = qkv.d[r * 3 * vh + i]!;
        k[r * vh + i] = qkv.d[r * 3 * vh + vh + i]!;
        val[r * vh + i] = qkv.d[r * 3 * vh + 2 * vh + i]!;
      }
    for (let r = 0; r < n; r++)
      for (let head = 0; head < v.num_heads; head++) {
        rope(q, r * vh + head * hd, hd, cos, sin, r * hd);
        rope(k, r * vh + head * hd, hd, cos, sin, r * hd);
      }
    const att = mat(n, vh);
    let start = 0;
    for (const len of lengths) {
      for (let head = 0; head < v.num_heads; head++)
        for (let i = start; i < start + len; i++) {
          const s: number[] = [];
          for (let j = start; j < start + len; j++) {
            let dot = 0;
            for (let e = 0; e < hd; e++) dot += q[i * vh + head * hd + e]! * k[j * vh + head * hd + e]!;
            s.push(dot / Math.sqrt(hd));
          }
          const mx = Math.max(...s);
          const ex = s.map((z) => Math.exp(z - mx));
          const sum = ex.reduce((a, b) => a + b, 0);
          for (let e = 0; e < hd; e++) {
            let acc = 0;
            for (let j = 0; j < len; j++) acc += (ex[j]! / sum) * val[(start + j) * vh + head * hd + e]!;
            att.d[i * vh + head * hd + e] = acc;
          }
        }
      start += len;
    }
    const o = linear(att, p('attn.proj.weight'), p('attn.proj.bias'));
    x = mat(
      n,
      vh,
      x.d.map((z, i) => z + o.d[i]!),
    );
    const h2 = layerNorm(x, p('norm2.weight').d, p('norm2.bias').d);
    const a = linear(h2, p('mlp.linear_fc1.weight'), p('mlp.linear_fc1.bias'));
    a.d.forEach((z, i) => (a.d[i] = geluTanh(z)));
    const f = linear(a, p('mlp.linear_fc2.weight'), p('mlp.linear_fc2.bias'));
    x = mat(
      n,
      vh,
      x.d.map((z, i) => z + f.d[i]!),
    );
    const di = v.deepstack_visual_indexes.indexOf(blk);
    if (di >= 0) deep.push(merge(`deepstack_merger_list.${di}`, x, true));
  }
  return { embeds: merge('merger', x, false), deep };
}

/** Logits [S, V] and the mean next-token loss for one unpadded sequence. */
/** Causal grouped-query attention over rows [S, heads, head_dim]; the output is [S, heads · head_dim]. */
export function causalGqa(q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, S: number, nh: number, nkv: number, hd: number): Float64Array {
  const att = new Float64Array(S * nh * hd);
  for (let a = 0; a < nh; a++) {
    const kv = Math.floor(a / (nh / nkv));
    for (let i = 0; i < S; i++) {
      const s: number[] = [];
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let e = 0; e < hd; e++) dot += q[(i * nh + a) * hd + e]! * k[(j * nkv + kv) * hd + e]!;
        s.push(dot / Math.sqrt(hd));
      }
      const mx = Math.max(...s);
      const ex = s.map((z) => Math.exp(z - mx));
      const sum = ex.reduce((x1, x2) => x1 + x2, 0);
      for (let e = 0; e < hd; e++) {
        let acc = 0;
        for (let j = 0; j <= i; j++) acc += (ex[j]! / sum) * v[(j * nkv + kv) * hd + e]!;
        att[(i * nh + a) * hd + e] = acc;
      }
    }
  }
  return att;
}

export function referenceForward(
  W: ReturnType<typeof loadWeights>,
  c: RefConfig,
  ids: number[],
  positions: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>],
  labels: number[] | null,
  pixels: Float32Array | null,
  grids: [number, number, number][],
): { logits: M; loss: number | null } {
  const t = c.text;
  const H = t.hidden_size;
  const hd = t.head_dim;
  const S = ids.length;
  const L = (s: string) => W.get(`model.language_model.${s}`)!;
  const E = L('embed_tokens.weight');
  let x = mat(S, H);
  ids.forEach((id, i) => x.d.set(E.d.subarray(id * H, (id + 1) * H), i * H));
  const imagePos = ids.flatMap((id, i) => (id === c.image_token_id ? [i] : []));
  let deep: M[] = [];
  if (pixels) {
    const vis = referenceVision(W, c, pixels, grids);
    imagePos.forEach((p, k) => x.d.set(vis.embeds.d.subarray(k * H, (k + 1) * H), p * H));
    deep = vis.deep;
  }
  // Interleaved multimodal rotary angles.
  const sec = t.rope_scaling.mrope_section;
  const cos = new Float64Array(S * hd);
  const sin = new Float64Array(S * hd);
  for (let i = 0; i < S; i++)
    for (let j = 0; j < hd / 2; j++) {
      const axis = j % 3 === 1 && j < 3 * sec[1]! ? 1 : j % 3 === 2 && j < 3 * sec[2]! ? 2 : 0;
      const ang = positions[axis]![i]! / t.rope_theta ** ((2 * j) / hd);
      cos[i * hd + j] = cos[i * hd + j + hd / 2] = Math.cos(ang);
      sin[i * hd + j] = sin[i * hd + j + hd / 2] = Math.sin(ang);
    }
  const nh = t.num_attention_heads;
  const nkv = t.num_key_value_heads;
  for (let l = 0; l < t.num_hidden_layers; l++) {
    const p = (s: string) => L(`layers.${l}.${s}`);
    const h = mat(S, H, rmsNorm(x.d, p('input_layernorm.weight').d, H, t.rms_norm_eps));
    const q = rmsNorm(linear(h, p('self_attn.q_proj.weight')).d, p('self_attn.q_norm.weight').d, hd, t.rms_norm_eps);
    const k = rmsNorm(linear(h, p('self_attn.k_proj.weight')).d, p('self_attn.k_norm.weight').d, hd, t.rms_norm_eps);
    const v = linear(h, p('self_attn.v_proj.weight')).d;
    for (let i = 0; i < S; i++) {
      for (let a = 0; a < nh; a++) rope(q, (i * nh + a) * hd, hd, cos, sin, i * hd);
      for (let a = 0; a < nkv; a++) rope(k, (i * nkv + a) * hd, hd, cos, sin, i * hd);
    }
    const att = mat(S, nh * hd, causalGqa(q, k, v, S, nh, nkv, hd));
    const o = linear(att, p('self_attn.o_proj.weight'));
    x = mat(
      S,
      H,
      x.d.map((z, i) => z + o.d[i]!),
    );
    const h2 = mat(S, H, rmsNorm(x.d, p('post_attention_layernorm.weight').d, H, t.rms_norm_eps));
    const gate = linear(h2, p('mlp.gate_proj.weight'));
    const up = linear(h2, p('mlp.up_proj.weight'));
    const f = linear(
      mat(
        S,
        gate.cols,
        gate.d.map((z, i) => silu(z) * up.d[i]!),
      ),
      p('mlp.down_proj.weight'),
    );
    x = mat(
      S,
      H,
      x.d.map((z, i) => z + f.d[i]!),
    );
    if (l < deep.length)
      imagePos.forEach((pos, kk) => {
        for (let e = 0; e < H; e++) x.d[pos * H + e] = x.d[pos * H + e]! + deep[l]!.d[kk * H + e]!;
      });
  }
  x = mat(S, H, rmsNorm(x.d, L('norm.weight').d, H, t.rms_norm_eps));
  const head = W.get('lm_head.weight') ?? E;
  const logits = linear(x, head);
  if (!labels) return { logits, loss: null };
  let total = 0;
  let count = 0;
  for (let i = 0; i + 1 < S; i++) {
    const target = labels[i + 1]!;
    if (target === -100) continue;
    const row = logits.d.subarray(i * logits.cols, (i + 1) * logits.cols);
    const mx = Math.max(...row);
    const lse = mx + Math.log(row.reduce((a, z) => a + Math.exp(z - mx), 0));
    total += lse - row[target]!;
    count++;
  }
  return { logits, loss: count ? total / count : null };
}
