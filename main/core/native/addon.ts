// Loads the native addon (Node-API, so one binary serves Node and Electron).
// A missing or broken addon is reported, never thrown at the caller's feet.
import { openBinary } from './openBinary';

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

export function loadAddon(): AddonState {
  if (state) return state;
  const o = openBinary<NativeAddon>({
    what: 'the native addon',
    envVar: 'STUDIO_NATIVE_PATH',
    relPath: ['native', 'build', 'Release', 'studio_native.node'],
    requires: 'systemReport',
    howToBuild: "run 'npm install' (or 'npm rebuild') to build it",
  });
  state = o.loaded ? { loaded: true, path: o.path, addon: o.exports } : o;
  return state;
}

/** For tests: forget what was loaded so a different path can be tried. */
export function resetAddonForTests(): void {
  state = null;
}
