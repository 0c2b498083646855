// Builds the native addon for plain Node during `npm install`.
// A failed build must not stop the install: the app runs without the addon and
// the System page says why. CI sets STUDIO_REQUIRE_NATIVE=1 to make it fatal.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function nodeGypBin() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return process.env.npm_config_node_gyp || null;
  }
}

if (!existsSync(join(here, 'binding.gyp'))) process.exit(0);
const gyp = nodeGypBin();
if (!gyp) {
  console.warn('[native] node-gyp not found; the native addon was not built (System page will say so).');
  process.exit(process.env.STUDIO_REQUIRE_NATIVE ? 1 : 0);
}
const r = spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: here, stdio: 'inherit' });
if (r.status !== 0) {
  console.warn('[native] the native addon failed to build; the studio still runs, without native features.');
  process.exit(process.env.STUDIO_REQUIRE_NATIVE ? 1 : 0);
}

// The training engine links libtorch; without it the app runs and says training is unavailable.
const { findTorch } = await import('./engine/find-torch.mjs');
if (!findTorch()) {
  console.warn('[native] libtorch not found (STUDIO_LIBTORCH_DIR, a python with torch, or Debian libtorch-dev): the training engine was not built.');
  process.exit(process.env.STUDIO_REQUIRE_NATIVE ? 1 : 0);
}
const e = spawnSync(process.execPath, [gyp, 'rebuild', '-j', '2'], { cwd: join(here, 'engine'), stdio: 'inherit' });
if (e.status !== 0) {
  console.warn('[native] the training engine failed to build; the studio runs without training.');
  process.exit(process.env.STUDIO_REQUIRE_NATIVE ? 1 : 0);
}
