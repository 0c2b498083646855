// Loads the native addon (Node-API, so one binary serves Node and Electron).
// A missing or broken addon is reported, never thrown at the caller's feet.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot, unpackedPath } from '../util/paths';

export interface NativeSystemReport {
  addonVersion: string;
  platform: string;
  arch: string;
  cpu: { model: string; logicalCores: number; features: string[] };
  memory: { totalBytes: number };
  cuda: { usable: boolean; reason: string; driverVersion: number | null; devices: { index: number; name: string; totalMemoryBytes: number; computeCapability: string }[] };
  libtorch: { usable: boolean; reason: string; path: string | null; version: string | null; cuda: boolean };
  warnings: string[];
}

export interface NativeAddon {
  addonVersion: string;
  systemReport(): Promise<NativeSystemReport>;
}

export type AddonState = { loaded: true; path: string; addon: NativeAddon } | { loaded: false; path: string | null; error: string };

let state: AddonState | null = null;

function candidates(): string[] {
  const list: string[] = [];
  if (process.env.STUDIO_NATIVE_PATH) list.push(process.env.STUDIO_NATIVE_PATH);
  try {
    list.push(unpackedPath(join(appRoot(), 'native', 'build', 'Release', 'studio_native.node')));
  } catch {
    // no app root (unusual layout): only the env path is tried
  }
  return list;
}

export function loadAddon(): AddonState {
  if (state) return state;
  const tried = candidates();
  const file = tried.find((p) => existsSync(p));
  if (!file) {
    state = {
      loaded: false,
      path: null,
      error: `the native addon is not built (looked for ${tried.join(', ') || 'studio_native.node'}); run 'npm install' (or 'npm rebuild') to build it`,
    };
    return state;
  }
  try {
    const mod = { exports: {} as NativeAddon };
    process.dlopen(mod, file);
    if (typeof mod.exports.systemReport !== 'function') throw new Error('it does not export systemReport()');
    state = { loaded: true, path: file, addon: mod.exports };
  } catch (err) {
    state = { loaded: false, path: file, error: `the native addon at ${file} could not be loaded: ${(err as Error).message}` };
  }
  return state;
}

/** For tests: forget what was loaded so a different path can be tried. */
export function resetAddonForTests(): void {
  state = null;
}
