// Whole-number data gets whole-number bins and labels ("4", "11–12"), never "1–1.3" or "11–11";
// fractional data gets labels with enough decimals that neighbours differ.
import { describe, expect, it } from 'vitest';
import { histogram } from '../../../main/core/util/histogram';
import { binLabels } from '../../../renderer/src/wizard/binLabels';

describe('histogram bins', () => {
  it('turns: one bin per whole number when the range is small', () => {
    const h = histogram([1, 2, 2, 4]);
    expect(h).toEqual({ edges: [1, 2, 3, 4, 5], counts: [1, 2, 0, 1], integer: true });
    expect(binLabels(h)).toEqual(['1', '2', '3', '4']);
  });

  it('turns over a wide range: whole-number bins of equal width, every value counted once', () => {
    const values = Array.from({ length: 57 }, (_, i) => 3 + i);
    const h = histogram(values);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(57);
    expect(h.edges.every(Number.isInteger)).toBe(true);
    const labels = binLabels(h);
    expect(labels[0]).toBe('3–5');
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.some((l) => /^(\d+)–\1$/.test(l))).toBe(false);
  });

  it('a single whole value is one bin labelled by it', () => {
    const h = histogram([11, 11, 11]);
    expect(binLabels(h)).toEqual(['11']);
  });

  it('fractional returns: labels are distinct', () => {
    const h = histogram([-1.5, -0.2, 0.35, 10.55, 10.6, 11.2]);
    const labels = binLabels(h);
    expect(new Set(labels).size).toBe(labels.length);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6);
  });
});
