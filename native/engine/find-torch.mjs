// Where libtorch is, for binding.gyp: STUDIO_LIBTORCH_DIR (a libtorch folder
// with include/ and lib/), else the torch inside the user's python (PyTorch
// 2.x, CUDA builds included), else Debian's libtorch-dev. Prints what gyp asks
// for: `include`, `libdirs`, `libs`, `defines`, or `found` (1/0).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

function fromDir(dir, abi) {
  const lib = join(dir, 'lib');
  if (!existsSync(join(dir, 'include', 'torch', 'csrc', 'api', 'include', 'torch', 'torch.h'))) return null;
  const libs = ['torch', 'torch_cpu', 'c10'];
  for (const extra of ['torch_cuda', 'c10_cuda']) if (existsSync(join(lib, `lib${extra}.so`))) libs.push(extra);
  return { include: [join(dir, 'include'), join(dir, 'include', 'torch', 'csrc', 'api', 'include')], libdirs: [lib], libs, defines: abi === null ? [] : [`_GLIBCXX_USE_CXX11_ABI=${abi}`] };
}

function fromPython() {
  const python = process.env.STUDIO_PYTHON || 'python3';
  try {
    const out = execFileSync(python, ['-c', 'import os, torch; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    const [dir, abi] = out.trim().split('\n');
    return fromDir(dir, Number(abi));
  } catch {
    return null;
  }
}

function fromDebian() {
  if (!existsSync('/usr/include/torch/csrc/api/include/torch/torch.h')) return null;
  return { include: ['/usr/include', '/usr/include/torch/csrc/api/include'], libdirs: [], libs: ['torch', 'torch_cpu', 'c10'], defines: [] };
}

export function findTorch() {
  if (process.env.STUDIO_LIBTORCH_DIR) return fromDir(process.env.STUDIO_LIBTORCH_DIR, null);
  return fromPython() ?? fromDebian();
}

if (process.argv[1] && process.argv[1].endsWith('find-torch.mjs')) {
  const t = findTorch();
  const what = process.argv[2];
  if (what === 'found') console.log(t ? 1 : 0);
  else if (!t) console.log('');
  else if (what === 'libs') console.log([...t.libdirs.flatMap((d) => [`-L${d}`, `-Wl,-rpath,${d}`]), ...t.libs.map((l) => `-l${l}`)].join(' '));
  else console.log((t[what] ?? []).join(' '));
}
