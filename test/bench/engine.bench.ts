// Engine benchmark: a random-weight Qwen3-VL checkpoint of the chosen shapes,
// timed by the engine's own runner (native/engine/build/Release/studio_engine_run):
// forward and LoRA train-step tokens/s and peak RSS for a game-agent batch
// (BENCH_IMAGES 256×256 frames + BENCH_TOKENS text tokens), full precision and NF4.
//   npx vitest run --config test/bench/vitest.config.ts engine   (BENCH_SHAPES=small|2b, BENCH_DEVICE=cpu|cuda)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { makeQwen3VLCheckpoint, TINY, type TinyDims } from '../helpers/checkpoints';

const SHAPES: Record<string, TinyDims> = {
  // A few layers of real widths: fast enough for a 2-core CPU, real matmul sizes per layer.
  small: {
    ...TINY,
    hidden: 1024,
    intermediate: 3072,
    layers: 4,
    heads: 16,
    kvHeads: 8,
    headDim: 64,
    vocab: 32000,
    visionDepth: 4,
    visionHidden: 512,
    visionIntermediate: 2048,
    visionHeads: 8,
    deepstack: [1, 2],
    numPositionEmbeddings: 2304,
  },
  // Qwen3-VL-2B-Instruct's shapes (random weights).
  '2b': {
    ...TINY,
    hidden: 2048,
    intermediate: 6144,
    layers: 28,
    heads: 16,
    kvHeads: 8,
    headDim: 128,
    vocab: 151936,
    visionDepth: 24,
    visionHidden: 1024,
    visionIntermediate: 4096,
    visionHeads: 16,
    deepstack: [5, 11, 17],
    numPositionEmbeddings: 2304,
  },
};

it('engine forward and LoRA step throughput', () => {
  const shapes = process.env.BENCH_SHAPES ?? 'small';
  const dims = SHAPES[shapes]!;
  const dir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  try {
    makeQwen3VLCheckpoint(dir, { dims, dtype: 'BF16', shards: 1, init: 'realistic' });
    const runner = join(__dirname, '..', '..', 'native', 'engine', 'build', 'Release', 'studio_engine_run');
    const device = process.env.BENCH_DEVICE ?? 'cpu';
    const common = [
      '--device',
      device,
      '--tokens',
      process.env.BENCH_TOKENS ?? '512',
      '--images',
      process.env.BENCH_IMAGES ?? '2',
      '--iters',
      process.env.BENCH_ITERS ?? '2',
      '--train',
      '--rank',
      '32',
    ];
    // dtype:quant[:ckpt] triples; on a CPU bf16 matmuls are slow in libtorch, so the default there is fp32.
    // ckpt: gradient checkpointing (each config runs in its own process, so peak RSS is its own).
    const configs = (process.env.BENCH_CONFIGS ?? (device === 'cpu' ? 'float32:none,float32:none:ckpt,float32:nf4-dq' : 'bfloat16:none,bfloat16:none:ckpt,bfloat16:nf4-dq'))
      .split(',')
      .map((c) => c.split(':'));
    for (const [dtype, quant, ckpt] of configs) {
      const out = execFileSync(runner, [dir, '--dtype', dtype!, '--quant', quant!, ...common, ...(ckpt === 'ckpt' ? ['--checkpointing'] : [])], { encoding: 'utf8' });
      process.stderr.write(`${shapes} ${out.trim()}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
