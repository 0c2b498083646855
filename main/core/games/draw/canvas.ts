// A tiny RGB raster with the few primitives the game frames need.
export type RGB = readonly [number, number, number];

/** Pixel art from strings: one char a pixel, '.' transparent, others from the palette. */
export interface Sprite {
  width: number;
  height: number;
  pixels: ReadonlyArray<RGB | null>;
}

export function spriteFromArt(rows: readonly string[], palette: Readonly<Record<string, RGB>>): Sprite {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const pixels: Array<RGB | null> = [];
  for (const row of rows) {
    if (row.length !== width) throw new Error(`sprite rows differ in width: ${JSON.stringify(row)}`);
    for (const ch of row) {
      if (ch === '.') pixels.push(null);
      else {
        const c = palette[ch];
        if (!c) throw new Error(`sprite colour '${ch}' is not in the palette`);
        pixels.push(c);
      }
    }
  }
  return { width, height, pixels };
}

export class Canvas {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: RGB = [0, 0, 0],
  ) {
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  set(x: number, y: number, c: RGB): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }

  fillRect(x: number, y: number, w: number, h: number, c: RGB): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.set(xx, yy, c);
  }

  strokeRect(x: number, y: number, w: number, h: number, c: RGB, t = 1): void {
    this.fillRect(x, y, w, t, c);
    this.fillRect(x, y + h - t, w, t, c);
    this.fillRect(x, y, t, h, c);
    this.fillRect(x + w - t, y, t, h, c);
  }

  /** Rectangle with its corners cut by r pixels (a card's rounded look). */
  fillRoundRect(x: number, y: number, w: number, h: number, r: number, c: RGB): void {
    for (let yy = 0; yy < h; yy++) {
      const dy = yy < r ? r - yy : yy >= h - r ? yy - (h - r - 1) : 0;
      const inset = dy > 0 ? r - Math.floor(Math.sqrt(Math.max(0, r * r - dy * dy))) : 0;
      this.fillRect(x + inset, y + yy, w - 2 * inset, 1, c);
    }
  }

  fillEllipse(cx: number, cy: number, rx: number, ry: number, c: RGB): void {
    for (let y = Math.floor(cy - ry); y <= Math.ceil(cy + ry); y++)
      for (let x = Math.floor(cx - rx); x <= Math.ceil(cx + rx); x++) {
        const dx = (x + 0.5 - cx) / rx;
        const dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1) this.set(x, y, c);
      }
  }

  /** Draw a sprite, each pixel as a scale×scale block. */
  blit(s: Sprite, x: number, y: number, scale = 1): void {
    for (let sy = 0; sy < s.height; sy++)
      for (let sx = 0; sx < s.width; sx++) {
        const c = s.pixels[sy * s.width + sx];
        if (c) this.fillRect(x + sx * scale, y + sy * scale, scale, scale, c);
      }
  }
}
