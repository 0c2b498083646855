// Weight quantisation as quantised ONNX exports store it, for [in, out]
// (MatMul-layout) float weights. Each result carries `dequantised`: the
// float32 weight the graph really multiplies by, computed the way the
// runtime computes it ((code − zero point) · scale, rounded once to float32),
// so a float64 reference built from it checks the graph, not the rounding.

/** int8, symmetric per output channel: DequantizeLinear(q, scale, 0, axis=1) before the MatMul. */
export interface Int8Weight {
  /** [in, out], like the float weight. */
  q: Int8Array;
  /** [out]: max |w[:, o]| / 127. */
  scale: Float32Array;
  dequantised: Float32Array;
}

export function quantizeInt8(w: Float32Array, inn: number): Int8Weight {
  const out = w.length / inn;
  const scale = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let max = 0;
    for (let i = 0; i < inn; i++) max = Math.max(max, Math.abs(w[i * out + o]!));
    scale[o] = max / 127 || 1; // stored as float32; an all-zero column keeps code 0 under any scale
  }
  const q = new Int8Array(w.length);
  const dequantised = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const s = scale[i % out]!;
    q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / s)));
    dequantised[i] = q[i]! * s; // one float32 rounding, as DequantizeLinear's (q − 0)·scale
  }
  return { q, scale, dequantised };
}

/**
 * 4-bit blocks for onnxruntime's com.microsoft MatMulNBits (bits 4): the weight
 * is stored transposed, [N = out][K = in], and cut along K into blocks, each
 * with its own scale and zero point; w ≈ (code − zero point) · scale.
 */
export interface Q4Weight {
  K: number;
  N: number;
  blockSize: number;
  kBlocks: number;
  /** Input B, uint8 [N, kBlocks, blockSize / 2]: two codes a byte, the lower k in the low nibble. */
  packed: Uint8Array;
  /** Input scales, float [N · kBlocks] (row n's blocks in order). */
  scales: Float32Array;
  /**
   * Input zero_points, uint8 [N · ⌈kBlocks / 2⌉]: row n's zero points packed like B (low nibble first, each
   * row starting on a fresh byte). Null for symmetric blocks, where MatMulNBits' default zero point 8 applies.
   */
  zeroPoints: Uint8Array | null;
  dequantised: Float32Array;
}

/** Symmetric: scale = max|w| / 7 around the default zero point 8; otherwise the block's [min, max] (with 0) over codes 0…15. */
export function quantizeQ4(w: Float32Array, K: number, opts: { blockSize?: number; symmetric?: boolean } = {}): Q4Weight {
  const blockSize = opts.blockSize ?? 32;
  const N = w.length / K;
  const kBlocks = Math.ceil(K / blockSize);
  const half = blockSize / 2;
  const zpRow = Math.ceil(kBlocks / 2);
  const packed = new Uint8Array(N * kBlocks * half);
  const scales = new Float32Array(N * kBlocks);
  const zeroPoints = opts.symmetric ? null : new Uint8Array(N * zpRow);
  const dequantised = new Float32Array(w.length);
  for (let n = 0; n < N; n++)
    for (let b = 0; b < kBlocks; b++) {
      const vals = Array.from({ length: Math.min(blockSize, K - b * blockSize) }, (_, j) => w[(b * blockSize + j) * N + n]!);
      const lo = Math.min(0, ...vals);
      // The scale as stored (float32), so codes and dequantised values agree with what the kernel reads.
      const s = Math.fround((zeroPoints ? (Math.max(0, ...vals) - lo) / 15 : Math.max(...vals.map(Math.abs)) / 7) || 1);
      const zp = zeroPoints ? Math.max(0, Math.min(15, Math.round(-lo / s))) : 8;
      if (zeroPoints) zeroPoints[n * zpRow + (b >> 1)]! |= zp << ((b & 1) * 4);
      scales[n * kBlocks + b] = s;
      // Past K (a ragged last block) the code is the zero point: weight 0, and never read, since K bounds the sum.
      for (let j = 0; j < blockSize; j++) {
        const k = b * blockSize + j;
        const code = k < K ? Math.max(0, Math.min(15, Math.round(w[k * N + n]! / s) + zp)) : zp;
        packed[(n * kBlocks + b) * half + (j >> 1)]! |= code << ((j & 1) * 4);
        if (k < K) dequantised[k * N + n] = (code - zp) * s;
      }
    }
  return { K, N, blockSize, kBlocks, packed, scales, zeroPoints, dequantised };
}
