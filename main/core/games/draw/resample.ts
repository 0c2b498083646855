// Bicubic resize that reproduces Pillow's Image.resize(BICUBIC): ARLArena's
// process_image upsizes the 96×96 board with PIL's default filter (bicubic,
// a = -0.5), two passes (horizontal, then vertical) with 22-bit fixed-point
// weights and 8-bit rounding in between, exactly as Pillow's Resample.c does.

const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface Coeffs {
  ksize: number;
  bounds: Int32Array; // [xmin, count] per output index
  kk: Int32Array; // fixed-point weights, ksize per output index
}

function precompute(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 2 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = bicubic((x + xmin - center + 0.5) * ss);
      ww += w[x]!;
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x]! / ww : w[x]!;
      kk[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(v: number): number {
  if (v <= 0) return 0;
  if (v >= ONE * 256) return 255;
  return Math.floor(v / ONE);
}

/** RGB (3 bytes a pixel) resize; returns dw*dh*3 bytes. */
export function resizeBicubic(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (src.length !== sw * sh * 3) throw new Error(`resizeBicubic: expected ${sw * sh * 3} bytes, got ${src.length}`);
  const wide = dw === sw ? src : horizontal(src, sw, sh, dw);
  if (dh === sh) return wide === src ? src.slice() : wide;
  return vertical(wide, dw, sh, dh);
}

function horizontal(src: Uint8Array, sw: number, sh: number, dw: number): Uint8Array {
  const c = precompute(sw, dw);
  const out = new Uint8Array(dw * sh * 3);
  for (let y = 0; y < sh; y++) {
    const row = y * sw * 3;
    for (let xx = 0; xx < dw; xx++) {
      const xmin = c.bounds[xx * 2]!;
      const n = c.bounds[xx * 2 + 1]!;
      const kbase = xx * c.ksize;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let x = 0, p = row + xmin * 3; x < n; x++, p += 3) {
        const k = c.kk[kbase + x]!;
        r += src[p]! * k;
        g += src[p + 1]! * k;
        b += src[p + 2]! * k;
      }
      const o = (y * dw + xx) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return out;
}

// Row by row: each output row is a weighted sum of whole input rows (sequential memory).
// Sums fit in 32 bits (255 × 2^22 × the kernel's |weights| < 2^31), so Int32 arithmetic is exact.
function vertical(src: Uint8Array, w: number, sh: number, dh: number): Uint8Array {
  const c = precompute(sh, dh);
  const stride = w * 3;
  const out = new Uint8Array(stride * dh);
  const acc = new Int32Array(stride);
  for (let yy = 0; yy < dh; yy++) {
    acc.fill(HALF);
    const ymin = c.bounds[yy * 2]!;
    const n = c.bounds[yy * 2 + 1]!;
    for (let y = 0; y < n; y++) {
      const k = c.kk[yy * c.ksize + y]!;
      const row = (ymin + y) * stride;
      for (let i = 0; i < stride; i++) acc[i] = (acc[i]! + src[row + i]! * k) | 0;
    }
    const o = yy * stride;
    for (let i = 0; i < stride; i++) {
      const v = acc[i]! >> PRECISION_BITS;
      out[o + i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return out;
}

/**
 * The frame size ARLArena's process_image(max_pixels=2048*2048, min_pixels=256*256)
 * gives: aspect kept, int() truncation, same float steps as Python, so a 96×96
 * board becomes 256×256 and a 112×80 one 302×216.
 */
export function processedSize(width: number, height: number): { width: number; height: number } {
  let w = width;
  let h = height;
  const maxPixels = 2048 * 2048;
  const minPixels = 256 * 256;
  if (w * h > maxPixels) {
    const f = Math.sqrt(maxPixels / (w * h));
    [w, h] = [Math.trunc(w * f), Math.trunc(h * f)];
  }
  if (w * h < minPixels) {
    const f = Math.sqrt(minPixels / (w * h));
    [w, h] = [Math.trunc(w * f), Math.trunc(h * f)];
  }
  return { width: w, height: h };
}
