// The System page: what this machine can do, from the native addon's probe.
import { cpus, totalmem } from 'node:os';
import type { SystemReport } from '../../../preload/contract';
import { loadAddon } from '../native/addon';

export async function systemReport(): Promise<SystemReport> {
  const node = { version: process.versions.node, electron: process.versions.electron ?? null, platform: process.platform, arch: process.arch };
  const a = loadAddon();
  if (!a.loaded) {
    return {
      addon: { loaded: false, path: a.path, error: a.error, version: null },
      node,
      cpu: { model: cpus()[0]?.model ?? 'unknown', logicalCores: cpus().length, features: [] },
      memory: { totalBytes: totalmem() },
      cuda: null,
      libtorch: null,
      training: { available: false, reason: `training needs the native addon: ${a.error}` },
      warnings: [a.error],
    };
  }
  try {
    const r = await a.addon.systemReport();
    const training = !r.libtorch.usable
      ? { available: false, reason: `training needs libtorch: ${r.libtorch.reason}` }
      : { available: false, reason: `libtorch ${r.libtorch.version ?? ''} is usable${r.cuda.usable ? ' and CUDA is present' : ' (CPU only)'}, but the native trainer is not part of this build yet` };
    return {
      addon: { loaded: true, path: a.path, error: null, version: r.addonVersion },
      node,
      cpu: r.cpu,
      memory: r.memory,
      cuda: r.cuda,
      libtorch: r.libtorch,
      training,
      warnings: r.warnings,
    };
  } catch (err) {
    const msg = `the native addon loaded but its system probe failed: ${(err as Error).message}`;
    return {
      addon: { loaded: true, path: a.path, error: msg, version: a.addon.addonVersion ?? null },
      node,
      cpu: null,
      memory: null,
      cuda: null,
      libtorch: null,
      training: { available: false, reason: msg },
      warnings: [msg],
    };
  }
}
