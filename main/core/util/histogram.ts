// The histograms the UI draws (HistogramChart): review columns and token
// counts. edges has one more entry than counts; integer marks whole-number bins.
export interface Histogram {
  edges: number[];
  counts: number[];
  integer?: boolean;
}

/**
 * Counts per bin. Whole-number data (turns, invalid actions) gets whole-number bins, each
 * covering edges[i] … edges[i+1]-1, with integer: true, so no bin reads "1–1.3" or "11–11".
 */
export function histogram(values: number[], bins = 20): Histogram {
  if (!values.length) return { edges: [], counts: [] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.every((v) => Number.isInteger(v))) {
    const width = Math.max(1, Math.ceil((hi - lo + 1) / bins));
    const n = Math.ceil((hi - lo + 1) / width);
    const counts = new Array<number>(n).fill(0);
    for (const v of values) counts[Math.floor((v - lo) / width)]!++;
    return { edges: Array.from({ length: n + 1 }, (_, i) => lo + i * width), counts, integer: true };
  }
  if (lo === hi) return { edges: [lo, hi], counts: [values.length] };
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts };
}

/** Up to ~20 fixed-width bins of a round width, from just below the smallest value to the largest. */
export function roundHistogram(values: number[], bins = 20): Histogram {
  if (!values.length) return { edges: [0, 1], counts: [0] };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const step = niceStep(Math.max(1, max - min) / bins);
  const lo = Math.floor(min / step) * step;
  const n = Math.max(1, Math.floor((max - lo) / step) + 1);
  const edges = Array.from({ length: n + 1 }, (_, i) => lo + i * step);
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - lo) / step))]!++;
  return { edges, counts };
}

function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(1, x)));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
