// The tiny ONNX network of tinyOnnxModel.ts in plain float64 loops: the
// answer the ONNX graphs (and the runtime that drives them) are checked
// against. No cache: every call runs the whole sequence from scratch.
import { causalGqa, rmsNorm, rope, silu } from '../qwen3vlReference';
import { MERGE, type TinyOnnxNet } from './tinyOnnxModel';

/** y[r, o] = b[o] + Σ x[r, i]·w[i, o] for an [in, out] weight. */
function linear(x: Float64Array, rows: number, w: Float32Array, inn: number, b?: Float32Array): Float64Array {
  const out = w.length / inn;
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < out; o++) {
      let acc = b ? b[o]! : 0;
      for (let i = 0; i < inn; i++) acc += x[r * inn + i]! * w[i * out + o]!;
      y[r * out + o] = acc;
    }
  return y;
}

const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

function weight(m: TinyOnnxNet, name: string): Float32Array {
  const w = m.weights[name];
  if (!w) throw new Error(`no weight ${name}`);
  return w;
}

/** Image features [Σ t·h·w / 4, hidden] for processor-ordered pixel rows [Σ t·h·w, 1536]. */
export function refImageFeatures(m: TinyOnnxNet, pixels: Float32Array, grids: [number, number, number][]): Float64Array {
  const d = m.dims;
  const n = grids.reduce((a, [t, h, w]) => a + t * h * w, 0);
  const inn = pixels.length / n;
  const x = linear(Float64Array.from(pixels), n, weight(m, 'visual.patch.weight'), inn, weight(m, 'visual.patch.bias')).map(geluTanh);
  // Consecutive rows are one merge block already: [n, vh] read as [n / 4, 4·vh].
  const width = MERGE * MERGE * d.visionHidden;
  const normed = rmsNorm(x, weight(m, 'visual.merge_norm.weight'), width, d.rmsEps);
  return linear(normed, n / (MERGE * MERGE), weight(m, 'visual.proj.weight'), width, weight(m, 'visual.proj.bias'));
}

/**
 * Logits [S, vocab] for one unpadded sequence: ids embedded, the image tokens'
 * rows replaced by imageFeatures in order, positions3 = (t, h, w) per token.
 */
export function refLogits(
  m: TinyOnnxNet,
  ids: ArrayLike<number>,
  positions3: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>],
  imageFeatures: Float64Array | null,
): Float64Array {
  const d = m.dims;
  const { hidden: H, headDim: hd, heads: nh, kvHeads: nkv } = d;
  const S = ids.length;
  const E = weight(m, 'embed_tokens.weight');
  let x = new Float64Array(S * H);
  let image = 0;
  for (let i = 0; i < S; i++) {
    const id = ids[i]!;
    if (id === m.ids.image && imageFeatures) {
      if ((image + 1) * H > imageFeatures.length) throw new Error('more image tokens than image features');
      x.set(imageFeatures.subarray(image * H, (image + 1) * H), i * H);
      image++;
    } else x.set(E.subarray(id * H, (id + 1) * H), i * H);
  }
  if (imageFeatures && image * H !== imageFeatures.length) throw new Error(`${imageFeatures.length / H} image features for ${image} image tokens`);

  // Interleaved mrope angles, [freqs, freqs] per token: frequency j reads h when j ≡ 1 (mod 3) within
  // 3·section[1], w when j ≡ 2 within 3·section[2], else t (written out here, not shared with the graph builder).
  const sec = d.mropeSection;
  const cos = new Float64Array(S * hd);
  const sin = new Float64Array(S * hd);
  for (let i = 0; i < S; i++)
    for (let j = 0; j < hd / 2; j++) {
      const axis = j % 3 === 1 && j < 3 * sec[1] ? 1 : j % 3 === 2 && j < 3 * sec[2] ? 2 : 0;
      const ang = positions3[axis][i]! * d.ropeTheta ** ((-2 * j) / hd);
      cos[i * hd + j] = cos[i * hd + j + hd / 2] = Math.cos(ang);
      sin[i * hd + j] = sin[i * hd + j + hd / 2] = Math.sin(ang);
    }

  for (let l = 0; l < d.layers; l++) {
    const w = (s: string) => weight(m, `layers.${l}.${s}.weight`);
    const h = rmsNorm(x, w('input_norm'), H, d.rmsEps);
    const q = rmsNorm(linear(h, S, w('q_proj'), H), w('q_norm'), hd, d.rmsEps);
    const k = rmsNorm(linear(h, S, w('k_proj'), H), w('k_norm'), hd, d.rmsEps);
    const v = linear(h, S, w('v_proj'), H);
    for (let i = 0; i < S; i++) {
      for (let a = 0; a < nh; a++) rope(q, (i * nh + a) * hd, hd, cos, sin, i * hd);
      for (let a = 0; a < nkv; a++) rope(k, (i * nkv + a) * hd, hd, cos, sin, i * hd);
    }
    const att = causalGqa(q, k, v, S, nh, nkv, hd);
    const o = linear(att, S, w('o_proj'), nh * hd);
    x = x.map((z, i) => z + o[i]!);
    const h2 = rmsNorm(x, w('post_norm'), H, d.rmsEps);
    const up = linear(h2, S, w('up_proj'), H);
    const act = linear(h2, S, w('gate_proj'), H).map((z, i) => silu(z) * up[i]!);
    const f = linear(act, S, w('down_proj'), d.intermediate);
    x = x.map((z, i) => z + f[i]!);
  }
  return linear(rmsNorm(x, weight(m, 'norm.weight'), H, d.rmsEps), S, weight(m, 'lm_head.weight'), H);
}

/**
 * Greedy decoding without a cache: each step reruns the whole sequence. New
 * tokens take position max(prompt positions) + 1, + 2, … on all three axes.
 * Returns the new tokens, ending with the end token when one is produced.
 */
export function refGreedy(
  m: TinyOnnxNet,
  promptIds: ArrayLike<number>,
  positions: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>],
  imageFeatures: Float64Array | null,
  maxNew: number,
  eosIds: number[],
): number[] {
  const V = m.dims.vocab;
  const ids = Array.from(promptIds);
  const pos = positions.map((p) => Array.from(p)) as [number[], number[], number[]];
  const next = Math.max(...pos.flat()) + 1;
  const out: number[] = [];
  for (let step = 0; step < maxNew; step++) {
    const logits = refLogits(m, ids, pos, imageFeatures);
    const last = logits.subarray((ids.length - 1) * V, ids.length * V);
    let best = 0;
    for (let v = 1; v < V; v++) if (last[v]! > last[best]!) best = v;
    out.push(best);
    if (eosIds.includes(best)) break;
    ids.push(best);
    for (const axis of pos) axis.push(next + step);
  }
  return out;
}
