// Layers import downward: renderer → preload/contract only; core never touches
// Electron; only main/electron and preload/index.ts may import 'electron'.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|mjs)$/.test(n) ? [p] : [];
  });
const imports = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? '',
  );

describe('layering', () => {
  it('the renderer imports neither Node, Electron nor the core', () => {
    const bad = files(join(root, 'renderer', 'src')).flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith('node:') || i === 'electron' || /^(fs|path|os|child_process|crypto)$/.test(i) || i.includes('/main/'))
        .map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it('only the Electron shell and the preload import electron', () => {
    const all = [...files(join(root, 'main')), ...files(join(root, 'preload'))];
    const bad = all
      .filter((f) => imports(f).includes('electron'))
      .map((f) => relative(root, f))
      .filter((f) => !f.startsWith('main/electron/') && f !== 'preload/index.ts');
    expect(bad).toEqual([]);
  });

  it('the contract is plain (no Node built-ins) so the renderer and preload can share it', () => {
    const bad = files(join(root, 'preload', 'contract')).flatMap((f) => imports(f).filter((i) => i.startsWith('node:') || i === 'electron'));
    expect(bad).toEqual([]);
  });
});
