// The System page: what this machine can do, from the native addon's probe.
import { cpus, totalmem } from 'node:os';
import type { OnnxProviderChoice, SystemReport } from '../../../preload/contract';
import { ortVersion, providerStatus } from '../onnx/ort';
import { loadAddon } from '../native/addon';
import { engineState } from '../native/engine';

export async function systemReport(onnxProvider: OnnxProviderChoice = 'auto'): Promise<SystemReport> {
  const onnx = { version: ortVersion(), providers: providerStatus(), selected: onnxProvider };
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
      onnx,
      warnings: [a.error],
    };
  }
  try {
    const r = await a.addon.systemReport();
    const training = trainingStatus(r.libtorch.usable, r.libtorch.reason);
    return {
      addon: { loaded: true, path: a.path, error: null, version: r.addonVersion },
      node,
      cpu: r.cpu,
      memory: r.memory,
      cuda: r.cuda,
      libtorch: r.libtorch,
      training,
      onnx,
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
      onnx,
      warnings: [msg],
    };
  }
}

/** Whether this machine can train: libtorch present, and the engine built against it and loadable. */
function trainingStatus(libtorchUsable: boolean, libtorchReason: string): { available: boolean; reason: string } {
  const e = engineState();
  if (!e.loaded) return { available: false, reason: libtorchUsable ? e.error : `training needs libtorch: ${libtorchReason}; ${e.error}` };
  const info = e.engine.info();
  const where = info.cuda ? `CUDA, ${info.cudaDevices} device(s)` : 'CPU only';
  return { available: true, reason: `LoRA / QLoRA training with the Qwen3-VL engine (libtorch ${info.torch}, ${where})` };
}
