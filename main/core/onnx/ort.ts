// onnxruntime-node, loaded on first use (the app starts without it), and the
// execution providers this machine can use. The CPU provider ships inside the
// package; CUDA needs the provider libraries next to the binding (Linux:
// `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` fetches them),
// CoreML comes with the macOS build, DirectML with the Windows one.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { StudioError } from '../util/errors';

export type OrtModule = typeof Ort;
export type ProviderId = 'cpu' | 'cuda' | 'coreml' | 'dml';
export const PROVIDER_IDS: readonly ProviderId[] = ['cpu', 'cuda', 'coreml', 'dml'];

export interface ProviderStatus {
  id: ProviderId;
  available: boolean;
  reason: string;
}

let cached: { ort: OrtModule; dir: string } | { error: string } | null = null;

function load(): { ort: OrtModule; dir: string } | { error: string } {
  if (cached) return cached;
  const req = createRequire(import.meta.url);
  try {
    const dir = dirname(req.resolve('onnxruntime-node/package.json'));
    cached = { ort: req('onnxruntime-node') as OrtModule, dir };
  } catch (err) {
    cached = { error: `onnxruntime-node could not be loaded: ${(err as Error).message}` };
  }
  return cached;
}

/** The runtime, or a StudioError that says why it is missing. */
export function ort(): OrtModule {
  const l = load();
  if ('error' in l) throw new StudioError('onnx_unavailable', l.error);
  return l.ort;
}

export function ortVersion(): string | null {
  const l = load();
  return 'error' in l ? null : (l.ort.env.versions?.common ?? null);
}

function cudaLibsPresent(dir: string): boolean {
  const bin = join(dir, 'bin', 'napi-v6', process.platform, process.arch);
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(bin, lib));
}

export function providerStatus(): ProviderStatus[] {
  const l = load();
  if ('error' in l) return PROVIDER_IDS.map((id) => ({ id, available: false, reason: l.error }));
  const os = process.platform;
  return PROVIDER_IDS.map((id): ProviderStatus => {
    if (id === 'cpu') return { id, available: true, reason: 'bundled with onnxruntime-node' };
    if (id === 'coreml') return os === 'darwin' ? { id, available: true, reason: 'bundled with the macOS build' } : { id, available: false, reason: 'macOS only' };
    if (id === 'dml') return os === 'win32' ? { id, available: true, reason: 'DirectML, bundled with the Windows build' } : { id, available: false, reason: 'Windows only' };
    if (os !== 'linux' && os !== 'win32') return { id, available: false, reason: 'CUDA builds exist for Linux and Windows x64 only' };
    return cudaLibsPresent(l.dir)
      ? { id, available: true, reason: 'CUDA provider libraries found (needs CUDA 12 and cuDNN 9 on the machine)' }
      : { id, available: false, reason: 'the CUDA provider libraries are not installed; run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`' };
  });
}

/** 'auto' picks the first available accelerator, else the CPU; a named provider must be available. */
export function resolveProvider(choice: ProviderId | 'auto'): ProviderId {
  const all = providerStatus();
  if (choice === 'auto') return all.find((p) => p.id !== 'cpu' && p.available)?.id ?? 'cpu';
  const p = all.find((x) => x.id === choice)!;
  if (!p.available) throw new StudioError('onnx_provider', `the ${choice} execution provider is not available here: ${p.reason}`);
  return choice;
}

/** The session options' provider list: the chosen one, with the CPU behind it for ops it lacks. */
export function executionProviders(p: ProviderId): string[] {
  return p === 'cpu' ? ['cpu'] : [p, 'cpu'];
}
