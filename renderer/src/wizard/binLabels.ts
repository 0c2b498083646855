// Histogram bin labels (plain TS so core tests can check them too).
export interface Histogram {
  edges: number[];
  counts: number[];
  /** Whole-number bins: bin i holds edges[i] … edges[i+1]-1. */
  integer?: boolean;
}

/** Bin labels with as many decimals as the bin width needs, so neighbours never read alike. */
export function binLabels(h: Histogram): string[] {
  if (h.integer)
    return h.counts.map((_, i) => {
      const a = h.edges[i]!;
      const b = h.edges[i + 1]! - 1;
      return a === b ? String(a) : `${a}–${b}`;
    });
  const width = h.edges.length > 1 ? Math.abs(h.edges[1]! - h.edges[0]!) : 0;
  const digits = width === 0 || width >= 10 ? 0 : Math.min(4, Math.max(1, Math.ceil(-Math.log10(width)) + 1));
  const f = (x: number) => x.toFixed(Number.isInteger(x) && width >= 1 ? 0 : digits);
  return h.counts.map((_, i) => (width === 0 ? f(h.edges[0]!) : `${f(h.edges[i]!)}–${f(h.edges[i + 1] ?? h.edges[i]!)}`));
}
