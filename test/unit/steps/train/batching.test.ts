import { describe, expect, it } from 'vitest';
import { microBatches, permutation, plannedSteps } from '../../../../main/core/steps/train/loop';
import { TrainConfig } from '../../../../preload/contract/train';

const sample = (n: number) => ({ inputIds: new Array<number>(n).fill(1) });
const padded = (groups: { inputIds: number[] }[][]) => groups.reduce((a, g) => a + g.length * Math.max(...g.map((s) => s.inputIds.length)), 0);

describe('training batches', () => {
  it('groups a step’s samples by length into micro-batches: every sample once, less padding', () => {
    const step = [900, 120, 880, 100, 400, 130, 870, 410].map(sample);
    const plain = microBatches(step, 2, false);
    const grouped = microBatches(step, 2, true);
    expect(
      grouped
        .flat()
        .map((s) => s.inputIds.length)
        .sort(),
    ).toEqual(step.map((s) => s.inputIds.length).sort());
    expect(grouped.every((g) => g.length === 2)).toBe(true);
    expect(padded(grouped)).toBeLessThan(padded(plain) * 0.8);
  });

  it('orders data the same way on every machine and plans steps from rows, batch and accumulation', () => {
    expect(permutation(10, 7)).toEqual(permutation(10, 7));
    expect(permutation(10, 7)).not.toEqual(permutation(10, 8));
    expect([...permutation(50, 3)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const s = TrainConfig.parse({ baseArtifactId: 'b', datasetArtifactId: 'd', batchSize: 2, gradAccum: 8, epochs: 3 });
    expect(plannedSteps(100, s)).toBe(Math.ceil(300 / 16));
    expect(plannedSteps(100, { ...s, maxSteps: 5 })).toBe(5);
  });
});
