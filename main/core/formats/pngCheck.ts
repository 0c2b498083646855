// Checks an imported frame is a whole PNG (signature, IHDR first, every
// chunk's CRC, IDAT present, IEND last) and reads its size from the header,
// without decoding the pixels.
import { crc32 } from 'node:zlib';

export type PngCheck = { ok: true; width: number; height: number; colorType: number; bitDepth: number } | { ok: false; reason: string };

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function checkPng(buf: Buffer): PngCheck {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) return { ok: false, reason: 'not a PNG (bad signature)' };
  let off = 8;
  let first = true;
  let sawIdat = false;
  let header: { width: number; height: number; colorType: number; bitDepth: number } | null = null;
  while (off < buf.length) {
    if (off + 12 > buf.length) return { ok: false, reason: 'truncated PNG (partial chunk)' };
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    if (off + 12 + len > buf.length) return { ok: false, reason: `truncated PNG (chunk ${type} runs past the end)` };
    const crc = buf.readUInt32BE(off + 8 + len);
    if (crc32(buf.subarray(off + 4, off + 8 + len)) !== crc) return { ok: false, reason: `corrupt PNG (CRC mismatch in ${type})` };
    if (first) {
      if (type !== 'IHDR' || len !== 13) return { ok: false, reason: 'corrupt PNG (IHDR is not the first chunk)' };
      header = { width: buf.readUInt32BE(off + 8), height: buf.readUInt32BE(off + 12), bitDepth: buf[off + 16]!, colorType: buf[off + 17]! };
      if (header.width === 0 || header.height === 0) return { ok: false, reason: 'PNG with zero width or height' };
      first = false;
    }
    if (type === 'IDAT') sawIdat = true;
    if (type === 'IEND') {
      if (!sawIdat) return { ok: false, reason: 'PNG without image data (no IDAT)' };
      return { ok: true, ...header! };
    }
    off += 12 + len;
  }
  return { ok: false, reason: 'truncated PNG (no IEND)' };
}

/** Strict base64 (standard alphabet, optional data: URL prefix, whitespace ignored); null when it is not base64. */
export function decodeBase64Strict(text: string): Buffer | null {
  const body = text.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (body.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return null;
  const unpadded = body.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return null;
  if (body.includes('=') && body.length % 4 !== 0) return null;
  return Buffer.from(unpadded, 'base64');
}
