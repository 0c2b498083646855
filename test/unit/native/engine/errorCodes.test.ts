// Engine failures cross the Node-API boundary as Errors with a code (binding_task.h), so the app
// maps codes, not message text: our own checks → ENGINE_BAD_INPUT, libtorch → ENGINE_TORCH, and an
// out-of-memory reads as something a user can act on.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEngineFailure, engineErrorCode, engineState } from '../../../../main/core/native/engine';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';

const state = engineState();
const run = state.loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const engine = () => {
  if (!state.loaded) throw new Error(state.error);
  return state.engine;
};

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the call to fail');
}

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the call to throw');
}

describe('engine errors carry codes across the boundary', () => {
  run('a config with a nonsensical field is ENGINE_BAD_INPUT, naming the field', async () => {
    const dir = join(tempDir(), 'bad-config');
    makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 1, tie: true, seed: 1 });
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    cfg.text_config.num_attention_heads = -4;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    const err = await rejection(engine().load(dir));
    expect(err.code).toBe('ENGINE_BAD_INPUT');
    expect(err.message).toMatch(/num_attention_heads/);
  });

  run('a device libtorch cannot parse is ENGINE_TORCH, thrown before any work is queued', () => {
    const err = thrown(() => engine().load(tempDir(), { device: 'not-a-device' }));
    expect(err.code).toBe('ENGINE_TORCH');
  });

  run('a batch whose arrays do not match its shape is ENGINE_BAD_INPUT', async () => {
    const dir = join(tempDir(), 'ok-model');
    makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 1, tie: true, seed: 2 });
    const m = await engine().load(dir);
    const err = thrown(() => engine().forward(m.handle, { batch: 1, seq: 4, inputIds: new Int32Array(3) } as never));
    expect(err.code).toBe('ENGINE_BAD_INPUT');
    expect(err.message).toMatch(/inputIds: expected 4 values, got 3/);
  });
});

describe('describeEngineFailure', () => {
  it('turns an out-of-memory code into advice, and leaves other failures as they are', () => {
    const oom = Object.assign(new Error('CUDA out of memory. Tried to allocate 2.00 GiB\nstack…'), { code: 'ENGINE_OUT_OF_MEMORY' });
    expect(engineErrorCode(oom)).toBe('ENGINE_OUT_OF_MEMORY');
    expect(describeEngineFailure(oom)).toBe(
      'out of memory: CUDA out of memory. Tried to allocate 2.00 GiB — lower the micro-batch size or the maximum length, or turn on gradient checkpointing or QLoRA',
    );
    const other = Object.assign(new Error('config.json: text_config.hidden_size must be positive'), { code: 'ENGINE_BAD_INPUT' });
    expect(describeEngineFailure(other)).toBe(other.message);
    expect(engineErrorCode(new Error('plain'))).toBeNull();
  });
});
