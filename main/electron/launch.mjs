// `npm start`: builds what is stale, makes sure Electron can run here, then
// starts the desktop app. Where it cannot (no binary, no display) it says so
// in one line and points to `npm run serve`, the same UI in a browser.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const fail = (why) => {
  console.error(`studio: the desktop app cannot start here (${why}); run \`npm run serve\` to use the same studio in your browser.`);
  process.exit(1);
};

let electronBin;
try {
  electronBin = require('electron'); // the package's index resolves the binary's path
} catch (err) {
  fail(`Electron is not installed: ${String(err.message).split('\n')[0]}`);
}
if (typeof electronBin !== 'string' || !existsSync(electronBin)) fail('the Electron binary was not downloaded');
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) fail('no display: neither DISPLAY nor WAYLAND_DISPLAY is set');

const newest = (dir) => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};
const bundle = join(root, 'out', 'main', 'electron.js');
const sources = Math.max(...['main', 'preload', 'renderer'].map((d) => newest(join(root, d))));
if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
  const r = spawnSync(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// better-sqlite3 links V8 directly, so Electron needs its own build of it.
// Build it once into out/electron-sqlite, leaving the plain-Node build alone.
const electronVersion = require('electron/package.json').version;
const sqliteDir = join(root, 'out', 'electron-sqlite', electronVersion);
const binding = join(sqliteDir, 'build', 'Release', 'better_sqlite3.node');
if (!existsSync(binding)) {
  const src = dirname(require.resolve('better-sqlite3/package.json'));
  rmSync(sqliteDir, { recursive: true, force: true });
  mkdirSync(sqliteDir, { recursive: true });
  cpSync(src, sqliteDir, { recursive: true, filter: (p) => !p.includes(`${src}/build`) });
  console.log(`studio: building better-sqlite3 for Electron ${electronVersion} (once)…`);
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'], {
    cwd: sqliteDir,
    stdio: 'inherit',
  });
  if (r.status !== 0) fail('better-sqlite3 could not be built for Electron (see the output above)');
}

const child = spawn(electronBin, [root], { stdio: 'inherit', env: { ...process.env, STUDIO_SQLITE_BINDING: binding } });
child.on('exit', (code) => process.exit(code ?? 0));
