// Benchmarks print figures; they are run by hand, never by `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: __dirname + '/../..',
    include: ['test/bench/**/*.bench.ts'],
    testTimeout: 3_600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
