// Deterministic train/validation assignment, always by whole episodes (the
// per-turn samples of one episode never straddle the split) or by whole
// games/seeds. The same settings give the same split on every machine.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { ConvertSplit } from '../../../../preload/contract/convert';
import type { SourceEpisode } from './episodes';

export type SplitName = 'train' | 'validation';
type Split = z.output<typeof ConvertSplit>;

export function splitKey(ep: SourceEpisode, by: Split['by']): string {
  if (by === 'game') return ep.game;
  if (by === 'seed') return ep.seed === null ? 'none' : String(ep.seed);
  return ep.id;
}

/** A number in [0, 1) from sha256(seed:key): stable, and independent of the order episodes arrive in. */
export function unitHash(seed: number, key: string): number {
  return createHash('sha256').update(`${seed}:${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function assignSplit(ep: SourceEpisode, s: Split): SplitName {
  const key = splitKey(ep, s.by);
  if (s.by !== 'ratio' && s.values.length) return s.values.includes(key) ? 'validation' : 'train';
  return unitHash(s.seed, key) < s.validation ? 'validation' : 'train';
}
