// The installers' icon: resources/ (electron-builder's buildResources) holds the PNG, the Linux
// icon set, the Windows .ico and the macOS .icns, and package.json's build config names them.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appIconPath } from '../../../main/electron/appIcon';

const root = join(__dirname, '../../..');
const res = join(root, 'resources');

function pngSize(file: string): { w: number; h: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
}

describe('app icon resources', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

  it('build config points at resources/ and at files that exist there', () => {
    expect(pkg.build.directories.buildResources).toBe('resources');
    expect(existsSync(join(res, pkg.build.mac.icon))).toBe(true);
    expect(existsSync(join(res, pkg.build.win.icon))).toBe(true);
    expect(existsSync(join(res, pkg.build.linux.icon))).toBe(true);
    // The window icon is read at run time, so it must ship inside the app.
    expect(pkg.build.files).toContain('resources/icon.png');
  });

  it('icon.png is square and at least 1024 px (macOS needs 512, 1024 for retina)', () => {
    const { w, h } = pngSize(join(res, 'icon.png'));
    expect(w).toBe(h);
    expect(w).toBeGreaterThanOrEqual(1024);
  });

  it('Linux icon set: files named NxN.png have that size, 16 up to 512', () => {
    const names = readdirSync(join(res, 'icons')).filter((n) => n.endsWith('.png'));
    const sizes = names.map((n) => {
      const m = /^(\d+)x(\d+)\.png$/.exec(n)!;
      const { w, h } = pngSize(join(res, 'icons', n));
      expect([w, h]).toEqual([Number(m[1]), Number(m[2])]);
      return w;
    });
    for (const s of [16, 32, 48, 128, 256, 512]) expect(sizes).toContain(s);
  });

  it('icon.ico holds a 256 px image (Windows installers require it)', () => {
    const b = readFileSync(join(res, 'icon.ico'));
    expect(b.readUInt16LE(0)).toBe(0);
    expect(b.readUInt16LE(2)).toBe(1); // type: icon
    const count = b.readUInt16LE(4);
    const widths = Array.from({ length: count }, (_, i) => b[6 + i * 16] || 256); // 0 means 256
    expect(widths).toContain(256);
    expect(widths).toContain(16);
  });

  it('icon.icns is an icns file with a 512 or 1024 px entry', () => {
    const b = readFileSync(join(res, 'icon.icns'));
    expect(b.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(b.readUInt32BE(4)).toBe(b.length);
    const types: string[] = [];
    for (let off = 8; off < b.length; off += b.readUInt32BE(off + 4)) types.push(b.subarray(off, off + 4).toString('latin1'));
    expect(types.some((t) => t === 'ic09' || t === 'ic10')).toBe(true);
  });

  it('the window finds the icon from the app root', () => {
    expect(appIconPath(root)).toBe(join(res, 'icon.png'));
    expect(appIconPath(join(root, 'nowhere'))).toBeUndefined();
  });
});
