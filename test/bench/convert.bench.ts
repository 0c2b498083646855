// Convert benchmark: N trajectories × T turns with 256×256 PNG frames (JSONL
// with base64 frames, as the Filter step exports) → TRL Parquet, one sample
// per turn. Prints rows/s, input and output MB/s and peak RSS for the full
// size and for a quarter of it: flat memory means the two peaks match.
//   npx vitest run --config test/bench/vitest.config.ts convert     (BENCH_TRAJ=10000 BENCH_TURNS=10)
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { loadTextSide } from '../../main/core/model/templateAndTokenizer';
import { convertDataset } from '../../main/core/steps/convert/convert';
import { ConvertSettings } from '../../preload/contract/convert';
import { sokobanGame } from '../../main/core/games/sokoban';

const N = Number(process.env.BENCH_TRAJ ?? '10000');
const TURNS = Number(process.env.BENCH_TURNS ?? '10');
const DISTINCT = 2000; // distinct frames, cycled (encoding 100k PNGs would dominate the set-up)

/** Real Sokoban frames: each seed's level after 0..9 random moves. */
function sokobanFrames(count: number): string[] {
  const out: string[] = [];
  const moves = ['up', 'down', 'left', 'right'];
  for (let seed = 0; out.length < count; seed++) {
    const env = sokobanGame.create({}, seed);
    out.push(env.reset().png.toString('base64'));
    for (let t = 0; t < 9 && out.length < count; t++) {
      const r = env.step(moves[(seed * 7 + t * 3) % 4]!);
      out.push(r.observation.png.toString('base64'));
      if (r.done) break;
    }
  }
  return out;
}

function writeDataset(file: string, n: number, frames: string[]): void {
  const fd = openSync(file, 'w');
  let k = 0;
  for (let i = 0; i < n; i++) {
    const turns = Array.from({ length: TURNS }, (_, t) => ({
      step: t,
      prompt: `You are a Sokoban solver. Turn ${t}. Your current observation is shown in the image: <image>\nYour admissible actions are ["up", "down", "left", "right"]. Think step by step inside <think> </think>, then give one action inside <action> </action>.`,
      reply: `<think>The box is to my ${['left', 'right'][t % 2]}; push it toward the target.</think>\n<action>${['up', 'down', 'left', 'right'][(i + t) % 4]}</action>`,
      image: { format: 'png_base64', data: frames[k++ % frames.length] },
    }));
    writeSync(fd, `${JSON.stringify({ id: `t${i}`, game: 'sokoban', seed: i, success: true, task_score: 1, turns })}\n`);
  }
  closeSync(fd);
}

async function measure(root: string, n: number, frames: string[]): Promise<string> {
  const src = join(root, `ds-${n}`);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(src);
  writeDataset(join(src, 'trajectories.jsonl'), n, frames);
  const inBytes = statSync(join(src, 'trajectories.jsonl')).size;
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const r = await convertDataset({
    source: src,
    outDir: join(root, `out-${n}`),
    settings: ConvertSettings.parse({ split: { by: 'ratio', validation: 0.05, values: [], seed: 0 } }),
    text: loadTextSide(null),
    name: 'bench',
  });
  const s = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const outBytes = (r.info.files.train?.bytes ?? 0) + (r.info.files.validation?.bytes ?? 0);
  rmSync(src, { recursive: true, force: true });
  rmSync(join(root, `out-${n}`), { recursive: true, force: true });
  const mb = (b: number) => (b / 1e6).toFixed(0);
  return `${n} traj × ${TURNS} turns: ${r.info.counts.samples} rows in ${s.toFixed(1)} s = ${(r.info.counts.samples / s).toFixed(0)} rows/s; input ${mb(inBytes)} MB (${(inBytes / 1e6 / s).toFixed(1)} MB/s), Parquet ${mb(outBytes)} MB (${(outBytes / 1e6 / s).toFixed(1)} MB/s); RSS ${mb(base)} MB before, peak ${mb(peak)} MB (+${mb(peak - base)} MB)`;
}

it(`convert throughput and memory, ${N} trajectories × ${TURNS} turns`, async () => {
  const root = mkdtempSync(join(tmpdir(), 'convert-bench-'));
  try {
    const frames = sokobanFrames(DISTINCT);
    console.log(`frames: ${DISTINCT} distinct 256×256 Sokoban PNGs, mean ${(frames.reduce((a, f) => a + f.length * 0.75, 0) / DISTINCT / 1024).toFixed(1)} KiB`);
    const small = await measure(root, Math.max(1, Math.floor(N / 4)), frames);
    const full = await measure(root, N, frames);
    console.log(small);
    console.log(full);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
