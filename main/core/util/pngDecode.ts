// Decodes 8-bit PNGs (grey, grey+alpha, RGB, RGBA; all five filters; no
// interlacing) to RGB: what the image processor and the review tools need
// from game frames, without a native image library.
import { inflateSync } from 'node:zlib';

export interface Decoded {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  /** 3 bytes a pixel (alpha dropped). */
  rgb: Uint8Array;
}

export function decodePng(buf: Buffer): Decoded {
  let off = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  let bitDepth = 0;
  let interlace = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8]!;
      colorType = data[9]!;
      interlace = data[12]!;
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const channels: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) throw new Error('decodePng: not a PNG file');
  if (bitDepth !== 8 || !channels[colorType]) throw new Error(`decodePng: unsupported bit depth ${bitDepth} / colour type ${colorType} (8-bit grey, RGB or RGBA only)`);
  if (interlace) throw new Error('decodePng: interlaced PNGs are not supported');
  const bpp = channels[colorType]!;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? out[y * stride + x - bpp]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp]! : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    if (bpp >= 3) rgb.set(out.subarray(i * bpp, i * bpp + 3), i * 3);
    else rgb.fill(out[i * bpp]!, i * 3, i * 3 + 3);
  }
  return { width, height, colorType, bitDepth, rgb };
}

