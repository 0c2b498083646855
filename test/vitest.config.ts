import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: __dirname + '/..',
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', '**/node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // e2e drives one Chromium against one server; keep files from fighting over 2 cores.
    fileParallelism: false,
  },
});
