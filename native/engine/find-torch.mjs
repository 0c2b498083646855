// Where libtorch is, for binding.gyp: STUDIO_LIBTORCH_DIR (a libtorch folder
// with include/ and lib/, e.g. the one inside a PyTorch wheel), else the torch
// of STUDIO_PYTHON or the python3 on the PATH (PyTorch 2.x, CPU or CUDA builds).
// PyTorch 2.0 is the oldest supported release; older ones are refused by name.
// Prints what gyp asks for: `include`, `libdirs`, `libs`, `defines`, `found` (1/0), `describe` (JSON).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIN_TORCH = [2, 0];

function versionOf(dir) {
  // A wheel's torch/version.py, or a libtorch zip's build-version file.
  for (const f of [join(dir, 'version.py'), join(dir, 'build-version')]) {
    if (!existsSync(f)) continue;
    const m = /(\d+)\.(\d+)\.(\d+)[^'"\s]*/.exec(readFileSync(f, 'utf8'));
    if (m) return m[0];
  }
  return null;
}

function fromDir(dir, abi, source) {
  const lib = join(dir, 'lib');
  if (!existsSync(join(dir, 'include', 'torch', 'csrc', 'api', 'include', 'torch', 'torch.h'))) return null;
  const version = versionOf(dir);
  const [major, minor] = (version ?? '0.0').split('.').map(Number);
  if (version && (major < MIN_TORCH[0] || (major === MIN_TORCH[0] && minor < MIN_TORCH[1])))
    return { error: `libtorch ${version} at ${dir} is too old: the engine needs PyTorch ${MIN_TORCH.join('.')} or newer` };
  const libs = ['torch', 'torch_cpu', 'c10'];
  const cuda = existsSync(join(lib, 'libtorch_cuda.so'));
  if (cuda) libs.push('torch_cuda', 'c10_cuda');
  return {
    dir,
    version,
    cuda,
    source,
    include: [join(dir, 'include'), join(dir, 'include', 'torch', 'csrc', 'api', 'include')],
    libdirs: [lib],
    libs,
    defines: abi === null ? [] : [`_GLIBCXX_USE_CXX11_ABI=${abi}`],
  };
}

const testVenvPython = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'python', '.venv', 'bin', 'python');

function fromPython() {
  // A developer checkout also finds the test suite's environment (test/python/.venv).
  const candidates = process.env.STUDIO_PYTHON ? [process.env.STUDIO_PYTHON] : ['python3', ...(existsSync(testVenvPython) ? [testVenvPython] : [])];
  for (const python of candidates) {
    const t = torchOf(python);
    if (t) return t;
  }
  return null;
}

function torchOf(python) {
  try {
    const out = execFileSync(python, ['-c', 'import os, torch; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 120_000,
    });
    const [dir, abi] = out.trim().split('\n');
    return fromDir(dir, Number(abi), `python (${python})`);
  } catch {
    return null;
  }
}

/** The libtorch to build against, `{ error }` when the only one found is unusable, or null. */
export function findTorch() {
  if (process.env.STUDIO_LIBTORCH_DIR)
    return (
      fromDir(process.env.STUDIO_LIBTORCH_DIR, null, 'STUDIO_LIBTORCH_DIR') ?? {
        error: `STUDIO_LIBTORCH_DIR=${process.env.STUDIO_LIBTORCH_DIR} has no include/torch/csrc/api/include/torch/torch.h`,
      }
    );
  return fromPython();
}

if (process.argv[1] && process.argv[1].endsWith('find-torch.mjs')) {
  const found = findTorch();
  const t = found && !found.error ? found : null;
  const what = process.argv[2];
  if (what === 'found') console.log(t ? 1 : 0);
  else if (what === 'describe') console.log(JSON.stringify(found));
  else if (!t) console.log('');
  else if (what === 'libs') console.log([...t.libdirs.flatMap((d) => [`-L${d}`, `-Wl,-rpath,${d}`]), ...t.libs.map((l) => `-l${l}`)].join(' '));
  else console.log((t[what] ?? []).join(' '));
}
