// Seeded PRNG (xoshiro128**, seeded through splitmix32) so a level is the same
// from (game settings, seed) on every machine and Node version: only 32-bit
// integer arithmetic, no Math.random, no platform floats in the state.

export interface Rng {
  /** Uniform in [0, 1), 32 bits of precision. */
  next(): number;
  /** Uniform integer in [0, n), unbiased (rejection sampling); n in 1..2^32. */
  int(n: number): number;
  /** Uniform integer in [lo, hi], both ends included (like Python's randint). */
  range(lo: number, hi: number): number;
  /** One element, uniformly. Throws on an empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** An independent stream derived from this one's seed and a label. */
  fork(label: string): Rng;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/**
 * seed: any safe non-negative integer (ARLArena seeds go up to 2^32);
 * stream: a label (e.g. the game id) so two games with one seed differ.
 */
export function createRng(seed: number, stream = ''): Rng {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  const mix = splitmix32(lo ^ fnv1a(stream));
  const s = new Uint32Array([mix() ^ hi, mix(), mix(), mix()]);
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1; // the all-zero state is a fixed point

  const nextU32 = (): number => {
    const s0 = s[0]!,
      s1 = s[1]!,
      s2 = s[2]!,
      s3 = s[3]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return result;
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new RangeError(`int(n): n must be an integer in 1..2^32, got ${n}`);
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const u = nextU32();
      if (u < limit) return u % n;
    }
  };

  return {
    next: () => nextU32() / 0x1_0000_0000,
    int,
    range: (lo2, hi2) => lo2 + int(hi2 - lo2 + 1),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(items.length)]!;
    },
    chance: (p) => nextU32() / 0x1_0000_0000 < p,
    fork: (label) => createRng((nextU32() * 0x10000 + (nextU32() >>> 16)) % Number.MAX_SAFE_INTEGER, `${stream}/${label}`),
  };
}
