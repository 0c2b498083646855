// The TS faces of the two addons: the engine's model and trainer handles live in EngineModel /
// EngineTrainer, whose failures come out as StudioErrors (the code the UI gets) that keep the binary's
// ENGINE_* code; a closed handle refuses further calls. The core addon's NATIVE_* failures map the same way.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collate } from '../../../main/core/model/encode';
import { describeEngineFailure, engineErrorCode, engineState, openEngine } from '../../../main/core/native/engine';
import { NativeError } from '../../../main/core/native/nativeError';
import { nativeErrorCode, readHeader } from '../../../main/core/native/safetensors';
import { StudioError } from '../../../main/core/util/errors';
import { makeQwen3VLCheckpoint } from '../../helpers/checkpoints';
import { tempDir } from '../../helpers/tmp';

const run = engineState().loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

describe('engine handle classes', () => {
  run('a refused load is a bad_input StudioError keeping ENGINE_BAD_INPUT and the message', async () => {
    const dir = join(tempDir(), 'bad-config');
    makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 1, tie: true, seed: 1 });
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    cfg.text_config.num_attention_heads = -4;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    const err = await rejection(openEngine().load(dir));
    expect(err).toBeInstanceOf(StudioError);
    expect(err).toMatchObject({ code: 'bad_input', nativeCode: 'ENGINE_BAD_INPUT' });
    expect((err as Error).message).toMatch(/num_attention_heads/);
    expect(engineErrorCode(err)).toBe('ENGINE_BAD_INPUT');
  });

  run('a device libtorch cannot parse is engine_failed (ENGINE_TORCH), thrown by load itself', async () => {
    const err = await rejection(openEngine().load(tempDir(), { device: 'not-a-device' }));
    expect(err).toMatchObject({ code: 'engine_failed', nativeCode: 'ENGINE_TORCH' });
  });

  run('model and trainer methods run through their handles; a closed one refuses, the others go on', async () => {
    const dir = join(tempDir(), 'ok-model');
    makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 1, tie: true, seed: 2 });
    const model = await openEngine().load(dir);
    expect(model.parameters).toBeGreaterThan(0);
    const pos = Int32Array.from([0, 1, 2, 3]);
    const batch = collate([{ inputIds: [1, 2, 3, 4], labels: [-100, 2, 3, 4], pixels: [], grids: [], positions: [pos, pos, pos] }], 0);
    const direct = await model.forward(batch);
    expect(Number.isFinite(direct.loss)).toBe(true);
    // A bad batch through the class is the same ENGINE_BAD_INPUT, mapped.
    const bad = thrown(() => model.forward({ batch: 1, seq: 4, inputIds: new Int32Array(3) } as never));
    expect(bad).toMatchObject({ code: 'bad_input', nativeCode: 'ENGINE_BAD_INPUT' });
    expect((bad as Error).message).toMatch(/inputIds: expected 4 values, got 3/);

    const trainer = model.createTrainer({ lora: { r: 2, alpha: 4, targets: ['q_proj'] }, optim: { lr: 1e-3, totalSteps: 1 } });
    // A fresh LoRA (B = 0) leaves the model as it is.
    expect((await trainer.forward(batch)).loss).toBeCloseTo(direct.loss!, 5);
    const step = await trainer.trainStep([batch]);
    expect(step.step).toBe(1);
    model.close();
    expect(model.closed).toBe(true);
    expect(thrown(() => model.forward(batch))).toMatchObject({ code: 'closed', message: 'the engine model was closed' });
    // The trainer holds the weights on the native side: it keeps working after its model's handle is closed.
    expect((await trainer.evaluate([batch])).tokens).toBe(3);
    trainer.close();
    expect(thrown(() => trainer.trainStep([batch]))).toMatchObject({ code: 'closed', message: 'the engine trainer was closed' });
  });

  it('an out-of-memory failure keeps its advice whether it comes raw or mapped', () => {
    const raw = Object.assign(new Error('CUDA out of memory. Tried to allocate 2.00 GiB\nstack…'), { code: 'ENGINE_OUT_OF_MEMORY' });
    const mapped = new NativeError('ENGINE_OUT_OF_MEMORY', raw.message);
    expect(mapped.code).toBe('out_of_memory');
    expect(describeEngineFailure(mapped)).toBe(describeEngineFailure(raw));
    expect(describeEngineFailure(mapped)).toMatch(/^out of memory: CUDA out of memory\. Tried to allocate 2\.00 GiB — lower the micro-batch size/);
  });
});

describe('core addon errors, mapped', () => {
  it('a malformed safetensors header is an invalid_file StudioError keeping NATIVE_INVALID_FILE', () => {
    const file = join(tempDir(), 'bad.safetensors');
    const header = Buffer.from('{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 99]}}');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(file, Buffer.concat([len, header, Buffer.alloc(8)]));
    const err = thrown(() => readHeader(file));
    expect(err).toBeInstanceOf(StudioError);
    expect(err).toMatchObject({ code: 'invalid_file', nativeCode: 'NATIVE_INVALID_FILE' });
    expect(nativeErrorCode(err)).toBe('NATIVE_INVALID_FILE');
    expect((err as Error).message).toContain(file);
  });
});
