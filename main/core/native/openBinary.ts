// Finds and loads a Node-API binary: an env override first, then the app's
// build folder. A missing or broken binary is a message, never a throw.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot, unpackedPath } from '../util/paths';

export type Opened<T> = { loaded: true; path: string; exports: T } | { loaded: false; path: string | null; error: string };

export interface BinarySpec {
  /** e.g. "the native addon"; starts the messages. */
  what: string;
  envVar: string;
  /** Relative to the app root. */
  relPath: string[];
  /** A function the binary must export (else it is someone else's file). */
  requires: string;
  /** What to do when it is not built. */
  howToBuild: string;
}

export function openBinary<T>(spec: BinarySpec): Opened<T> {
  const tried: string[] = [];
  const env = process.env[spec.envVar];
  if (env) tried.push(env);
  try {
    tried.push(unpackedPath(join(appRoot(), ...spec.relPath)));
  } catch {
    // no app root (unusual layout): only the env path is tried
  }
  const file = tried.find((p) => existsSync(p));
  if (!file) return { loaded: false, path: null, error: `${spec.what} is not built (looked for ${tried.join(', ') || spec.relPath.at(-1)}); ${spec.howToBuild}` };
  try {
    const mod = { exports: {} as Record<string, unknown> };
    process.dlopen(mod, file);
    if (typeof mod.exports[spec.requires] !== 'function') throw new Error(`it does not export ${spec.requires}()`);
    return { loaded: true, path: file, exports: mod.exports as T };
  } catch (err) {
    return { loaded: false, path: file, error: `${spec.what} at ${file} could not be loaded: ${(err as Error).message}` };
  }
}
