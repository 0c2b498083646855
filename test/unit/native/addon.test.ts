import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAddon, resetAddonForTests } from '../../../main/core/native/addon';
import { systemReport } from '../../../main/core/system/systemReport';
import { engineState, resetEngineForTests } from '../../../main/core/native/engine';
import { tempDir } from '../../helpers/tmp';

afterEach(() => {
  delete process.env.STUDIO_NATIVE_PATH;
  resetAddonForTests();
});

describe('native addon', () => {
  it('is built and loads; its system report runs off the main thread and is complete', async () => {
    const a = loadAddon();
    if (!a.loaded) throw new Error(a.error);
    const pending = a.addon.systemReport();
    expect(pending).toBeInstanceOf(Promise);
    const r = await pending;
    expect(r.cpu.logicalCores).toBeGreaterThan(0);
    expect(r.memory.totalBytes).toBeGreaterThan(1 << 30);
    if (process.arch === 'x64') expect(r.cpu.features).toContain('sse2');
    expect(typeof r.cuda.usable).toBe('boolean');
    expect(r.cuda.reason.length).toBeGreaterThan(5);
    // Where Debian's libtorch is installed (here and in CI) the probe must find it.
    if (existsSync('/usr/lib/x86_64-linux-gnu/libtorch_cpu.so')) {
      expect(r.libtorch).toMatchObject({ usable: true, cuda: false });
      expect(r.libtorch.version).toMatch(/^\d+\.\d+/);
    }
  });

  it('a broken addon file gives a clear message, not a crash', async () => {
    const bogus = join(tempDir(), 'studio_native.node');
    writeFileSync(bogus, 'not a shared object');
    process.env.STUDIO_NATIVE_PATH = bogus;
    resetAddonForTests();
    const a = loadAddon();
    expect(a.loaded).toBe(false);
    if (!a.loaded) expect(a.error).toContain(`the native addon at ${bogus} could not be loaded`);
    const report = await systemReport();
    expect(report.addon.loaded).toBe(false);
    expect(report.training).toMatchObject({ available: false });
    expect(report.training.reason).toContain('training needs the native addon');
  });

  it('the System report says whether this machine can train, and why', async () => {
    const r = await systemReport();
    expect(r.addon.loaded).toBe(true);
    // `npm test` builds the engine against the test environment's PyTorch, so it says what it runs on; elsewhere it says what is missing.
    expect(r.training.available).toBe(engineState().loaded);
    if (engineState().loaded) expect(r.training.reason).toMatch(/LoRA \/ QLoRA training with the Qwen3-VL engine \(libtorch \d+\.\d+/);
    else expect(r.training.reason).toMatch(/engine is not built|could not be loaded/);
  });

  it('says why training is unavailable when the engine binary is broken', async () => {
    const bogus = join(tempDir(), 'studio_engine.node');
    writeFileSync(bogus, 'not a shared object');
    resetEngineForTests();
    process.env.STUDIO_ENGINE_PATH = bogus;
    try {
      const s = engineState();
      expect(s).toMatchObject({ loaded: false, path: bogus });
      const r = await systemReport();
      expect(r.training.available).toBe(false);
      expect(r.training.reason).toContain(`the training engine at ${bogus} could not be loaded`);
    } finally {
      delete process.env.STUDIO_ENGINE_PATH;
      resetEngineForTests();
    }
  });
});
