// Merge benchmark: a base with Qwen3-VL-4B's real shapes (or a slice of its
// layers with BENCH_SCALE=0.25), a rank-32 adapter on all seven projections;
// reports merge time next to `cp` of the same shards (into the page cache, and synced to
// disk as the merge leaves its output), the disk's direct-write floor, and peak RSS.
//   npx vitest run --config test/bench/vitest.config.ts merge      (BENCH_SCALE=1 for the full 4B)
// Needs the CLI bundle: run `npm run build` first.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { writeSafetensors } from '../../main/core/native/safetensors';
import { SEVEN, qwen3vlConfig, qwen3vlTensors, toBf16, type TinyDims } from '../helpers/checkpoints';

const scale = Number(process.env.BENCH_SCALE ?? '0.25');
const Q4B: TinyDims = {
  hidden: 2560,
  intermediate: 9728,
  layers: Math.max(1, Math.round(36 * scale)),
  heads: 32,
  kvHeads: 8,
  headDim: 128,
  vocab: 151936,
  visionDepth: Math.max(1, Math.round(24 * scale)),
  visionHidden: 1024,
  visionIntermediate: 4096,
  visionHeads: 16,
  deepstack: [0],
  numPositionEmbeddings: 2304,
};

// One block of valid small bf16 values, reused: content does not change the timing.
const BLOCK = (() => {
  const b = new Uint16Array(32 << 20);
  const r = new Uint32Array(b.length);
  randomFillSync(r);
  for (let i = 0; i < b.length; i++) b[i] = toBf16(((r[i]! / 4294967296) * 2 - 1) * 0.05);
  return Buffer.from(b.buffer);
})();
function fill(bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  for (let o = 0; o < bytes; o += BLOCK.length) BLOCK.copy(out, o, 0, Math.min(BLOCK.length, bytes - o));
  return out;
}

it(`merge vs cp at Qwen3-VL-4B shapes (scale ${scale})`, () => {
  const root = join(process.env.BENCH_DIR ?? tmpdir(), `merge-bench-${process.pid}`);
  const base = join(root, 'base');
  const adapter = join(root, 'adapter');
  mkdirSync(base, { recursive: true });
  mkdirSync(adapter, { recursive: true });
  try {
    const specs = qwen3vlTensors(Q4B, true);
    // Shards of about 2 GB, as hub checkpoints are cut.
    const weightMap: Record<string, string> = {};
    let shard: typeof specs = [];
    let size = 0;
    let n = 0;
    let total = 0;
    const flush = (): void => {
      if (!shard.length) return;
      n++;
      const file = `model-${String(n).padStart(5, '0')}.safetensors`;
      writeSafetensors(
        join(base, file),
        shard.map((t) => ({ ...t, dtype: 'BF16' as const, data: fill(t.shape.reduce((a, b) => a * b, 1) * 2) })),
        { format: 'pt' },
      );
      for (const t of shard) weightMap[t.name] = file;
      shard = [];
      size = 0;
    };
    for (const t of specs) {
      const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
      if (size + bytes > 2 * 1024 ** 3) flush();
      shard.push(t);
      size += bytes;
      total += bytes;
    }
    flush();
    writeFileSync(join(base, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }));
    writeFileSync(join(base, 'config.json'), JSON.stringify(qwen3vlConfig(Q4B, true)));
    // rank-32 adapter on all seven projections, fp32 as PEFT saves it
    const r = 32;
    const lora: { name: string; dtype: 'F32'; shape: number[]; data: Buffer }[] = [];
    for (const t of specs) {
      const m = /^(model\.language_model\.layers\.\d+\.(?:self_attn|mlp)\.(\w+))\.weight$/.exec(t.name);
      if (!m || !SEVEN.includes(m[2]!)) continue;
      const [o, i] = t.shape as [number, number];
      const a = new Float32Array(r * i).map(() => Math.random() * 0.02 - 0.01);
      const b = new Float32Array(o * r).map(() => Math.random() * 0.02 - 0.01);
      lora.push({ name: `base_model.model.${m[1]}.lora_A.weight`, dtype: 'F32', shape: [r, i], data: Buffer.from(a.buffer) });
      lora.push({ name: `base_model.model.${m[1]}.lora_B.weight`, dtype: 'F32', shape: [o, r], data: Buffer.from(b.buffer) });
    }
    writeSafetensors(join(adapter, 'adapter_model.safetensors'), lora, { format: 'pt' });
    writeFileSync(join(adapter, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r, lora_alpha: 32, target_modules: SEVEN }));

    const time = (fn: () => void): number => {
      const t0 = process.hrtime.bigint();
      fn();
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    // Each timed run starts with no dirty pages left by the one before (both sides alike).
    const settle = (): void => void execFileSync('sync');
    const copyDir = join(root, 'copy');
    // cp into the page cache, and cp made durable (sync), as the merge leaves its output.
    const cpOnce = (): [number, number] => {
      settle();
      const copy = time(() => execFileSync('cp', ['-r', base, copyDir]));
      const flush = time(settle);
      rmSync(copyDir, { recursive: true, force: true });
      return [copy, copy + flush];
    };
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const out = join(root, 'merged');
    let rss = 0;
    const cpu: number[] = [];
    const mergeOnce = (): number => {
      settle();
      const t = time(() => {
        const res = spawnSync(
          '/usr/bin/time',
          ['-f', '%M %U %S', process.execPath, join(__dirname, '..', '..', 'out', 'main', 'cli.js'), 'merge', '--base', base, '--adapter', adapter, '--out', out],
          { encoding: 'utf8' },
        );
        if (res.status !== 0) throw new Error(res.stderr);
        const [kb, user, sys] = res.stderr.trim().split('\n').pop()!.split(' ').map(Number);
        rss = Math.max(rss, kb! * 1024);
        cpu.push(user! + sys!);
      });
      rmSync(out, { recursive: true, force: true });
      return t;
    };
    // The disk's floor: the merged model's bytes written straight to the device (as the merge
    // does on Linux) and synced. No computation.
    const floorOnce = (): number => {
      settle();
      const file = join(root, 'floor.bin');
      const t = time(() =>
        execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=16M', `count=${Math.ceil(total / (16 << 20))}`, 'oflag=direct', 'conv=fsync'], { stdio: 'ignore' }),
      );
      rmSync(file, { force: true });
      return t;
    };
    cpOnce(); // warm the page cache with the base
    const runs = Number(process.env.BENCH_RUNS ?? '3');
    const cps: number[] = [];
    const durable: number[] = [];
    const merges: number[] = [];
    const floors: number[] = [];
    // Interleaved, so disk and page-cache drift hits all the same way.
    for (let i = 0; i < runs; i++) {
      const [c, d] = cpOnce();
      cps.push(c);
      durable.push(d);
      merges.push(mergeOnce());
      if (process.platform === 'linux') floors.push(floorOnce());
    }
    const cp = median(cps);
    const cpSync = median(durable);
    const merge = median(merges);
    const gb = total / 1024 ** 3;
    const runsOf = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(', ');
    console.log(
      `\nmerge benchmark: Qwen3-VL-4B shapes × scale ${scale} (${Q4B.layers} text layers, ${Q4B.visionDepth} vision blocks), ${gb.toFixed(2)} GB bf16, rank-32 LoRA on 7 projections\n` +
        `  cp -r of the base       : ${cp.toFixed(2)} s median (${(gb / cp).toFixed(2)} GB/s; runs ${runsOf(cps)})\n` +
        `  cp -r, then sync        : ${cpSync.toFixed(2)} s median (${(gb / cpSync).toFixed(2)} GB/s; runs ${runsOf(durable)})\n` +
        (floors.length ? `  disk floor (direct+sync): ${median(floors).toFixed(2)} s median (${(gb / median(floors)).toFixed(2)} GB/s; runs ${runsOf(floors)})\n` : '') +
        `  merge (CLI, node start) : ${merge.toFixed(2)} s median (${(gb / merge).toFixed(2)} GB/s; runs ${runsOf(merges)}), CPU ${median(cpu).toFixed(2)} s\n` +
        `  merge ÷ cp = ${(merge / cp).toFixed(2)}; merge ÷ (cp + sync) = ${(merge / cpSync).toFixed(2)}\n` +
        `  merge peak RSS          : ${(rss / 1024 ** 2).toFixed(0)} MB\n`,
    );
  } finally {
    if (!process.env.BENCH_KEEP) rmSync(root, { recursive: true, force: true });
    else console.log(`kept ${root}`);
  }
});
