// Layers import downward: renderer → preload/contract only; core never touches
// Electron; only main/electron and preload/index.ts may import 'electron'; no
// step imports another step or is imported from below; SQL only in db/, its row
// types too, and its stores built by the Project alone.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

  it("no step's contract file imports another step's (shared shapes live in the shared files)", () => {
    const stepFiles = ['rollout', 'filter', 'convert', 'train', 'upload', 'merge', 'rl', 'evaluate'];
    const bad = stepFiles.flatMap((s) =>
      imports(join(root, 'preload', 'contract', `${s}.ts`))
        .filter((i) => stepFiles.some((o) => o !== s && i === `./${o}`))
        .map((i) => `preload/contract/${s}.ts imports ${i}`),
    );
    expect(bad).toEqual([]);
  });

  const core = join(root, 'main', 'core');
  const steps = join(core, 'steps');
  /** Relative imports of a core file, resolved to paths under main/core. */
  const coreTargets = (f: string): string[] =>
    imports(f)
      .filter((i) => i.startsWith('.'))
      .map((i) => relative(core, resolve(dirname(f), i)));
  const stepOf = (rel: string): string | null => (rel.startsWith('steps/') ? (rel.split('/')[1] ?? null) : null);

  it('no step imports another step (shared formats, games and policies live below them)', () => {
    // steps/index.ts (the list of steps) and steps/types.ts are the registry, not a step.
    const inStep = files(steps).filter((f) => relative(steps, f).includes('/'));
    const bad = inStep.flatMap((f) => {
      const own = stepOf(relative(core, f));
      return coreTargets(f)
        .filter((t) => stepOf(t) !== null && stepOf(t) !== own && !t.endsWith('steps/types') && !t.endsWith('steps'))
        .map((t) => `${relative(root, f)} imports ${t}`);
    });
    expect(bad).toEqual([]);
  });

  it('nothing below the steps imports a step', () => {
    const below = ['db', 'formats', 'games', 'lineage', 'model', 'models', 'native', 'onnx', 'parquet', 'policies', 'project', 'system', 'util'];
    const bad = below.flatMap((d) =>
      files(join(core, d)).flatMap((f) =>
        coreTargets(f)
          .filter((t) => stepOf(t) !== null)
          .map((t) => `${relative(root, f)} imports ${t}`),
      ),
    );
    expect(bad).toEqual([]);
  });

  it('SQL lives in main/core/db only', () => {
    const bad = [...files(join(root, 'main')), ...files(join(root, 'preload'))]
      .filter((f) => !relative(core, f).startsWith('db/') && /\.(prepare|exec)\(\s*[`'"]\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA)/i.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(bad).toEqual([]);
  });

  const db = join(core, 'db');
  const outsideDb = [...files(join(root, 'main')), ...files(join(root, 'preload'))].filter((f) => !relative(core, f).startsWith('db/'));
  const declared = (re: RegExp): Set<string> => new Set(files(db).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(re)].map((m) => m[1]!)));

  it("db/'s row types stay in db/ (the rest of the core gets contract types, as Signal's sql/Interface.ts)", () => {
    const rows = declared(/export (?:interface|type) (\w+Row)\b/g);
    expect(rows.size).toBeGreaterThan(0);
    const bad = outsideDb.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)]
        .filter((m) => m[2]!.startsWith('.') && relative(core, resolve(dirname(f), m[2]!)).startsWith('db/'))
        .flatMap((m) =>
          m[1]!.split(',').map(
            (n) =>
              n
                .trim()
                .replace(/^type\s+/, '')
                .split(/\s+as\s+/)[0]!,
          ),
        )
        .filter((n) => rows.has(n))
        .map((n) => `${relative(root, f)} imports ${n}`),
    );
    expect(bad).toEqual([]);
  });

  it("db/'s stores are built once, by the Project that owns them", () => {
    const stores = declared(/export class (\w+)/g);
    expect(stores).toContain('TrajectoryStore');
    const bad = outsideDb
      .filter((f) => relative(core, f) !== 'project/project.ts')
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/new\s+(\w+)\s*\(/g)].filter((m) => stores.has(m[1]!)).map((m) => `${relative(root, f)} builds a ${m[1]}`));
    expect(bad).toEqual([]);
  });
});
