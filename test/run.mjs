// `npm test`: make the Python test environment (transformers, PEFT, TRL, datasets:
// what the parity tests compare with), build the engine against its PyTorch,
// check the formatting, type-check every layer, build the app (the e2e and CLI tests run the real
// bundles), then run every test file and print one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ensurePythonEnv } from './python/env.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bin = (pkg, rel) => join(dirname(require.resolve(`${pkg}/package.json`)), rel);

function step(title, args, env = {}) {
  console.log(`\n== ${title}`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status}).`);
    console.log('0 passed, 1 failed');
    process.exit(r.status || 1);
  }
}

let python;
try {
  python = ensurePythonEnv();
} catch (e) {
  console.error(`\n${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// The tests find the interpreter here; the engine must be there, not skipped.
process.env.STUDIO_TEST_PYTHON = python;
process.env.STUDIO_REQUIRE_NATIVE = '1';
step("engine (against the test environment's PyTorch)", [join(root, 'native', 'build.mjs'), 'engine'], { STUDIO_PYTHON: python, STUDIO_REQUIRE_ENGINE: '1' });

step('formatting (Prettier, clang-format)', [join(root, 'test', 'formatCheck.mjs')]);
step('type-check core, preload, tests', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json']);
step('type-check renderer', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.web.json']);
step('build (electron-vite)', [bin('electron-vite', 'bin/electron-vite.js'), 'build']);

mkdirSync(join(root, 'test-output'), { recursive: true });
const report = join(root, 'test-output', 'vitest.json');
const extra = process.argv.slice(2);
console.log('\n== tests');
const r = spawnSync(
  process.execPath,
  [bin('vitest', 'vitest.mjs'), 'run', '--config', 'test/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { cwd: root, stdio: 'inherit', env: process.env },
);
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = j.numPendingTests ?? 0;
  console.log(`\n${j.numPassedTests} passed, ${j.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (j.numTotalTests === 0) process.exit(1);
}
process.exit(r.status ?? 1);
