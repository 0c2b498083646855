// Loads the training engine (native/engine: Qwen3-VL on libtorch, Node-API).
// It is a separate binary from the core addon so the app runs without
// libtorch; then engineState() says why training is unavailable.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineBatch } from '../model/encode';
import { appRoot, unpackedPath } from '../util/paths';

export interface EngineModel {
  handle: unknown;
  parameters: number;
  vocab: number;
  imageTokenId: number;
}

export interface ForwardResult {
  logits?: Float32Array;
  logitsShape?: number[];
  loss: number | null;
}

export interface EngineAddon {
  info(): { torch: string; cuda: boolean; cudaDevices: number };
  load(dir: string, opts?: { dtype?: 'float32' | 'bfloat16' | 'float16'; device?: string }): Promise<EngineModel>;
  forward(handle: unknown, batch: EngineBatch, opts?: { logits?: boolean }): Promise<ForwardResult>;
}

export type EngineState = { loaded: true; path: string; engine: EngineAddon } | { loaded: false; path: string | null; error: string };

let state: EngineState | null = null;

export function engineState(): EngineState {
  if (state) return state;
  const tried: string[] = [];
  if (process.env.STUDIO_ENGINE_PATH) tried.push(process.env.STUDIO_ENGINE_PATH);
  try {
    tried.push(unpackedPath(join(appRoot(), 'native', 'engine', 'build', 'Release', 'studio_engine.node')));
  } catch {
    // no app root: only the env path is tried
  }
  const file = tried.find((p) => existsSync(p));
  if (!file) {
    state = { loaded: false, path: null, error: `the training engine is not built (looked for ${tried.join(', ')}); it needs libtorch (Debian: apt install libtorch-dev; or a python with PyTorch) and 'npm rebuild'` };
    return state;
  }
  try {
    const mod = { exports: {} as EngineAddon };
    process.dlopen(mod, file);
    if (typeof mod.exports.forward !== 'function') throw new Error('it does not export forward()');
    state = { loaded: true, path: file, engine: mod.exports };
  } catch (err) {
    state = { loaded: false, path: file, error: `the training engine at ${file} could not be loaded: ${(err as Error).message}` };
  }
  return state;
}

export function requireEngine(): EngineAddon {
  const s = engineState();
  if (!s.loaded) throw new Error(s.error);
  return s.engine;
}

/** For tests: forget what was loaded so a different path can be tried. */
export function resetEngineForTests(): void {
  state = null;
}
