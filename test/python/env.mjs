// The suite's Python environment (test/python/.venv): made from requirements.txt
// when it is missing or the file changed, so `npm test` alone sets up the
// libraries the parity tests compare against. `node test/python/env.mjs` makes
// it by hand and prints the interpreter's path.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const venvDir = process.env.STUDIO_TEST_VENV || join(here, '.venv');
const requirements = join(here, 'requirements.txt');
const stampFile = join(venvDir, 'requirements.sha256');

export function venvPython() {
  return process.platform === 'win32' ? join(venvDir, 'Scripts', 'python.exe') : join(venvDir, 'bin', 'python');
}

function requirementsHash() {
  return createHash('sha256').update(readFileSync(requirements)).digest('hex');
}

/** The base interpreter that makes the venv: STUDIO_BASE_PYTHON, else python3 (python on Windows). */
function basePython() {
  const candidates = [process.env.STUDIO_BASE_PYTHON, 'python3', 'python'].filter(Boolean);
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', 'import sys, venv; print(sys.version_info[:2] >= (3, 10))'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() === 'True') return c;
  }
  return null;
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${cmd} ${args.join(' ')}`);
}

/** Makes or refreshes the environment; returns the interpreter's path. Throws with a clear message when it cannot. */
export function ensurePythonEnv({ quiet = false } = {}) {
  const want = requirementsHash();
  const py = venvPython();
  if (existsSync(py) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === want) return py;
  const base = basePython();
  if (!base)
    throw new Error(
      'The test suite needs Python 3.10+ with venv and pip (it compares the studio with transformers, PEFT, TRL and datasets). ' +
        'Install python3 and python3-venv (Debian/Ubuntu: apt-get install python3 python3-venv), or set STUDIO_BASE_PYTHON.',
    );
  if (!quiet) console.log(`[python] making the test environment in ${venvDir} from ${requirements}`);
  rmSync(venvDir, { recursive: true, force: true });
  run(base, ['-m', 'venv', venvDir], 'python -m venv');
  const pip = ['-m', 'pip', '--disable-pip-version-check', '--no-input'];
  run(py, [...pip, 'install', '-q', '--upgrade', 'pip'], 'pip upgrade');
  run(py, [...pip, 'install', '-q', '-r', requirements], 'pip install -r test/python/requirements.txt');
  writeFileSync(stampFile, want + '\n');
  return py;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensurePythonEnv());
  } catch (e) {
    console.error(String(e.message ?? e));
    process.exit(1);
  }
}
