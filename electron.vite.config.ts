// Builds the three layers: main (core + Electron shell + CLI, Node),
// preload (sandboxed bridge, CommonJS) and renderer (React, browser).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          electron: resolve(__dirname, 'main/electron/main.ts'),
          cli: resolve(__dirname, 'main/cli/cli.ts'),
          trainWorker: resolve(__dirname, 'main/core/steps/train/trainerWorker.ts'),
          // Worker threads of the rollout and import jobs (main/core/util/workerThread.ts finds them).
          gameWorker: resolve(__dirname, 'main/core/games/worker/gameWorker.ts'),
          importWorker: resolve(__dirname, 'main/core/steps/rollout/worker/importWorker.ts'),
          // The engine policy's process (main/core/policies/engineWorker/engineHost.ts forks it).
          engineWorker: resolve(__dirname, 'main/core/policies/engineWorker/engineProcess.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'preload/index.ts') } },
      // A sandboxed preload cannot require() packages: bundle zod into it.
      externalizeDeps: false,
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: {
        input: resolve(__dirname, 'renderer/index.html'),
        // MUI ships "use client" directives meant for server components: harmless here.
        onwarn(warning, warn) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
          warn(warning);
        },
      },
      chunkSizeWarningLimit: 2000,
    },
    esbuild: { jsx: 'automatic' },
  },
});
