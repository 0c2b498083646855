// The command-line runner's parity mode (studio_engine_run parity) on the reference fixture,
// against what transformers 4.57.1 + PEFT computed for it (test/fixtures/reference/outputs):
// logits, loss and every LoRA gradient with the fixture's starting adapter loaded from its PEFT
// folder. Limits are the fixture README's: logits 1e-4 of the largest |logit|, loss 1e-5,
// gradients 1e-4 of each tensor's largest entry. test/gpu/validate.sh runs the same mode on a GPU.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../helpers/tmp';

const root = join(__dirname, '..', '..', '..', '..');
// The suite's build (npm test makes it); STUDIO_ENGINE_RUN names another build of the same sources.
const runner = process.env.STUDIO_ENGINE_RUN || join(root, 'native', 'engine', 'build', 'Release', 'studio_engine_run');
const fixture = join(root, 'test', 'fixtures', 'reference');
const run = existsSync(runner) || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;

interface Tensor {
  shape: number[];
  data: Float32Array | Float64Array;
}

// Enough of safetensors for F32/F64 outputs: u64 header length, JSON header, data.
function readSafetensors(path: string): Map<string, Tensor> {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const bytes = buf.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]);
    const copy = new Uint8Array(bytes).buffer; // aligned
    if (t.dtype === 'F32') out.set(name, { shape: t.shape, data: new Float32Array(copy) });
    else if (t.dtype === 'F64') out.set(name, { shape: t.shape, data: new Float64Array(copy) });
  }
  return out;
}

function maxRel(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.data.length; i++) {
    worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
    scale = Math.max(scale, Math.abs(b.data[i]!));
  }
  return worst / scale;
}

function parity(extra: string[]): Map<string, Tensor> {
  const out = join(tempDir(), 'parity.safetensors');
  const model = join(fixture, 'checkpoint');
  const inputs = join(fixture, 'inputs', 'inputs.safetensors');
  execFileSync(runner, ['parity', '--model', model, '--inputs', inputs, '--dtype', 'float32', '--device', 'cpu', '--out', out, ...extra], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return readSafetensors(out);
}

const reference = () => readSafetensors(join(fixture, 'outputs', 'reference.safetensors'));
const scalars = () => JSON.parse(readFileSync(join(fixture, 'outputs', 'reference.json'), 'utf8')) as { loss: number; loss_lora_init: number };
const loss = (t: Map<string, Tensor>) => t.get('loss')!.data[0]!;

function expectGradients(got: Map<string, Tensor>, ref: Map<string, Tensor>) {
  const want = [...ref.keys()].filter((k) => k.startsWith('grad.')).sort();
  expect(want.length).toBe(28); // A and B of 7 projections × 2 layers
  expect([...got.keys()].filter((k) => k.startsWith('grad.')).sort()).toEqual(want);
  for (const k of want) expect(maxRel(got.get(k)!, ref.get(k)!), k).toBeLessThan(1e-4);
}

describe('studio_engine_run parity on the transformers 4.57.1 reference', () => {
  run('base model: logits and loss', () => {
    const got = parity([]);
    const ref = reference();
    expect(maxRel(got.get('logits')!, ref.get('logits')!)).toBeLessThan(1e-4);
    expect(Math.abs(loss(got) - scalars().loss)).toBeLessThan(1e-5);
    expect([...got.keys()].some((k) => k.startsWith('grad.'))).toBe(false);
  });

  run('starting from the PEFT adapter: logits, loss and every LoRA gradient', () => {
    const got = parity(['--adapter', join(fixture, 'lora', 'adapter_init')]);
    const ref = reference();
    expect(maxRel(got.get('logits')!, ref.get('logits_lora_init')!)).toBeLessThan(1e-4);
    expect(Math.abs(loss(got) - scalars().loss_lora_init)).toBeLessThan(1e-5);
    expectGradients(got, ref);
  });

  run('the same gradients with gradient checkpointing', () => {
    const got = parity(['--adapter', join(fixture, 'lora', 'adapter_init'), '--checkpointing']);
    expect(Math.abs(loss(got) - scalars().loss_lora_init)).toBeLessThan(1e-5);
    expectGradients(got, reference());
  });

  run('refuses an adapter whose tensors are not the configured targets', () => {
    // adapter_config.json says q_proj only; the weights file still holds all seven projections.
    const dir = join(tempDir(), 'adapter');
    cpSync(join(fixture, 'lora', 'adapter_init'), dir, { recursive: true });
    const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
    writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify({ ...cfg, target_modules: ['q_proj'] }));
    const out = join(tempDir(), 'refused.safetensors');
    const r = spawnSync(runner, ['parity', '--model', join(fixture, 'checkpoint'), '--inputs', join(fixture, 'inputs', 'inputs.safetensors'), '--adapter', dir, '--out', out], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not one of the configured LoRA targets/);
    expect(existsSync(out)).toBe(false);
  });
});
