// NF4 quantisation written from QLoRA's definition, in float32 arithmetic
// (Math.fround), for checking the engine's 4-bit weights independently.
const f = Math.fround;
export const NF4 = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534,
  0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
].map(f);
const MIDS = NF4.slice(0, 15).map((v, i) => f(f(v + NF4[i + 1]!) / 2));

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The dequantised values the engine computes with, for one weight (row-major). */
export function nf4RoundTrip(w: ArrayLike<number>, doubleQuant: boolean): Float64Array {
  const n = w.length;
  const blocks = n / 64;
  const absmax = new Float64Array(blocks);
  const codes = new Uint8Array(n);
  for (let b = 0; b < blocks; b++) {
    let m = 0;
    for (let i = 0; i < 64; i++) m = Math.max(m, Math.abs(f(w[b * 64 + i]!)));
    absmax[b] = m;
    for (let i = 0; i < 64; i++) {
      const x = f(f(w[b * 64 + i]!) / Math.max(m, 1e-30));
      let c = 0;
      while (c < 15 && MIDS[c]! < x) c++;
      codes[b * 64 + i] = c;
    }
  }
  let scales = absmax;
  if (doubleQuant) {
    const mean = absmax.reduce((a, x) => a + x, 0) / blocks;
    scales = new Float64Array(blocks);
    for (let g = 0; g < Math.ceil(blocks / 256); g++) {
      let s = 0;
      for (let k = g * 256; k < Math.min(blocks, (g + 1) * 256); k++) s = Math.max(s, Math.abs(f(absmax[k]! - mean)));
      s = Math.max(s, 1e-30);
      for (let k = g * 256; k < Math.min(blocks, (g + 1) * 256); k++) {
        const q = Math.max(-127, Math.min(127, roundHalfEven(f(f(f(absmax[k]! - mean) / s) * 127))));
        scales[k] = f(f(q * f(s / 127)) + mean);
      }
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(NF4[codes[i]!]! * scales[Math.floor(i / 64)]!);
  return out;
}
