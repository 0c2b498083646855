// The engine against transformers + PEFT, side by side: one Qwen3-VL checkpoint saved by transformers
// (test/python/bench_hf.py: text 1024 wide × 4 layers, 8 heads / 4 KV of 128, MLP 3072, vision 4 blocks
// × 512, tied head, the real vocabulary 151,936) and one batch per length (text around two 256×256 frames,
// the last text run the labelled reply). LoRA r=32 (alpha 32) on the seven projections, AdamW + clipping,
// fp32 on a CPU, bf16 on CUDA. Both sides load once and take turns (ABBA order), one step per turn:
// our runner (studio_engine_run train-loop) and transformers + PEFT with SDPA attention and
// torch.optim.AdamW (bench_hf.py train-loop). Prints, per length, the median step time, tokens/s, peak
// memory during the steps (RSS with the load's peak cleared; CUDA: max allocated) and engine/transformers.
//   npx vitest run --config test/bench/vitest.config.ts engine_vs_hf
// Environment: BENCH_DEVICE=cpu|cuda, BENCH_TOKENS=640,2000, BENCH_REPS=5 (turns per side after one warm-up),
// BENCH_SHAPES=small|4b, BENCH_QUANT=nf4-dq (QLoRA: transformers' side only where bitsandbytes imports;
// it does not on the CPU machine, so there the engine's NF4 row runs alone), BENCH_RUNNER=path (e.g. the
// CUDA build from test/gpu/build_runner.sh, which also reports CUDA peaks), BENCH_KEEP=dir (reuse files),
// BENCH_BASELINE=path[,path] (older runner builds taking turns too: before/after in one run).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { runPython, testPython, pythonDir } from '../helpers/python';

interface Prepared {
  model: string;
  batches: { file: string; seq: number; targets: number }[];
  parameters: number;
}
interface StepLine {
  step_ms: number[];
  loss: number;
  peak_allocated_mb: number;
  peak_rss_mb: number;
}

const root = join(__dirname, '..', '..');
const env = { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false', PYTHONUNBUFFERED: '1', TRANSFORMERS_VERBOSITY: 'error' };

/** A worker speaking the train-loop protocol: one command line in, one JSON line out. */
class Worker {
  private proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private waiting: ((line: string) => void)[] = [];
  private lines: string[] = [];
  private stderr = '';
  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
  ) {
    this.proc = spawn(cmd, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i).trim();
        this.buf = this.buf.slice(i + 1);
        if (!line.startsWith('{')) continue;
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    this.proc.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
  }
  next<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      const queued = this.lines.shift();
      if (queued) return resolve(JSON.parse(queued));
      const onExit = (code: number | null) => reject(new Error(`${this.name} exited (${code}): ${this.stderr}`));
      this.proc.once('exit', onExit);
      this.waiting.push((line) => {
        this.proc.off('exit', onExit);
        resolve(JSON.parse(line));
      });
    });
  }
  send<T>(command: string): Promise<T> {
    this.proc.stdin.write(command + '\n');
    return this.next<T>();
  }
  close() {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function compare(
  runner: string,
  prep: Prepared,
  batch: Prepared['batches'][number],
  o: { device: string; dtype: string; reps: number; quant?: string; hf: boolean; baseline?: string },
) {
  const common = ['--model', prep.model, '--inputs', batch.file, '--dtype', o.dtype, '--device', o.device, '--rank', '32', ...(o.quant ? ['--quant', o.quant] : [])];
  const sides = [new Worker('engine', runner, ['train-loop', ...common, '--alpha', '32'])];
  if (o.hf) sides.push(new Worker('transformers+peft', testPython(), [join(pythonDir, 'bench_hf.py'), 'train-loop', ...common]));
  // A second runner (an older build) in the same rotation, for before/after figures.
  for (const b of o.baseline ? o.baseline.split(',') : []) sides.push(new Worker(`engine@${b}`, b, ['train-loop', ...common, '--alpha', '32']));
  try {
    const ready: Record<string, unknown>[] = [];
    for (const s of sides) ready.push(await s.next<Record<string, unknown>>());
    const afterLoad: number[] = [];
    for (const s of sides) afterLoad.push((await s.send<{ rss_mb: number }>('reset-peak')).rss_mb);
    const ms: number[][] = sides.map(() => []);
    const last: StepLine[] = [];
    const losses: number[][] = sides.map(() => []);
    for (const s of sides) await s.send('steps 1'); // warm-up (allocators, AdamW state)
    for (let rep = 0; rep < o.reps; rep++) {
      const order = sides.map((_, i) => i);
      for (const i of rep % 2 ? order.reverse() : order) {
        const r = await sides[i]!.send<StepLine>('steps 1');
        ms[i]!.push(...r.step_ms);
        losses[i]!.push(r.loss);
        last[i] = r;
      }
    }
    return sides.map((s, i) => {
      const step = median(ms[i]!);
      return {
        side: s.name,
        step_ms: Math.round(step),
        tokens_per_s: Math.round(batch.seq / (step / 1000)),
        steps_ms: ms[i]!.map(Math.round),
        peak_rss_mb: last[i]!.peak_rss_mb,
        rss_after_load_mb: afterLoad[i]!,
        peak_cuda_mb: last[i]!.peak_allocated_mb,
        first_loss: losses[i]![0],
        ready: ready[i],
      };
    });
  } finally {
    for (const s of sides) s.close();
  }
}

it('engine vs transformers + PEFT: LoRA train-step speed and memory', async () => {
  const device = process.env.BENCH_DEVICE ?? 'cpu';
  const dtype = process.env.BENCH_DTYPE ?? (device === 'cpu' ? 'float32' : 'bfloat16');
  const tokens = (process.env.BENCH_TOKENS ?? '640,2000').split(',').map(Number);
  const reps = Number(process.env.BENCH_REPS ?? 5);
  const quant = process.env.BENCH_QUANT;
  const runner = process.env.BENCH_RUNNER ?? join(root, 'native', 'engine', 'build', 'Release', 'studio_engine_run');
  if (!existsSync(runner)) throw new Error(`no runner at ${runner}: build it with flock /tmp/engine-build.lock node native/build.mjs engine`);
  const keep = process.env.BENCH_KEEP;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'engine-vs-hf-'));
  mkdirSync(dir, { recursive: true });
  try {
    // BENCH_KEEP reuses the checkpoint and batches written for the same request.
    const request = { action: 'prepare', dir, shapes: process.env.BENCH_SHAPES ?? 'small', tokens, frames: 2 };
    const stamp = join(dir, 'prepared.json');
    const cached = keep && existsSync(stamp) ? (JSON.parse(readFileSync(stamp, 'utf8')) as { request: unknown; prep: Prepared }) : undefined;
    const prep =
      cached && JSON.stringify(cached.request) === JSON.stringify(request) ? cached.prep : (await runPython<Prepared>('bench_hf.py', request, { timeoutMs: 1_800_000 })).result;
    writeFileSync(stamp, JSON.stringify({ request, prep }));
    const bnb = spawnSync(testPython(), ['-c', 'import bitsandbytes'], { env }).status === 0;
    const rows: Record<string, unknown>[] = [];
    for (const batch of prep.batches) {
      const kinds = [{ quant: undefined as string | undefined, hf: true }, ...(quant ? [{ quant, hf: bnb }] : [])];
      for (const k of kinds) {
        if (k.quant && !k.hf) process.stderr.write(`[bench] ${k.quant}: bitsandbytes does not import here, so transformers' QLoRA side is skipped (engine alone)\n`);
        const res = await compare(runner, prep, batch, { device, dtype, reps, baseline: process.env.BENCH_BASELINE, ...k });
        const eng = res[0];
        const hf = res.find((r) => r.side === 'transformers+peft');
        const bases = res.filter((r) => r.side.startsWith('engine@'));
        const row = {
          seq: batch.seq,
          targets: batch.targets,
          quant: k.quant ?? 'none',
          engine_ms: eng!.step_ms,
          hf_ms: hf?.step_ms,
          engine_tok_s: eng!.tokens_per_s,
          hf_tok_s: hf?.tokens_per_s,
          speed_ratio: hf ? +(hf.step_ms / eng!.step_ms).toFixed(2) : undefined,
          engine_peak_rss_mb: eng!.peak_rss_mb,
          hf_peak_rss_mb: hf?.peak_rss_mb,
          engine_rss_after_load_mb: eng!.rss_after_load_mb,
          hf_rss_after_load_mb: hf?.rss_after_load_mb,
          ...(device !== 'cpu' ? { engine_cuda_peak_mb: eng!.peak_cuda_mb, hf_cuda_peak_mb: hf?.peak_cuda_mb } : {}),
          baselines: bases.map((b) => ({
            runner: b.side,
            ms: b.step_ms,
            tok_s: b.tokens_per_s,
            speed_ratio: hf ? +(hf.step_ms / b.step_ms).toFixed(2) : undefined,
            peak_rss_mb: b.peak_rss_mb,
            steps_ms: b.steps_ms,
            first_loss: b.first_loss,
          })),
          engine_steps_ms: eng!.steps_ms,
          hf_steps_ms: hf?.steps_ms,
          first_loss: [eng!.first_loss, hf?.first_loss],
        };
        rows.push(row);
        process.stderr.write(`[bench] ${JSON.stringify(row)}\n`);
      }
    }
    const line = (c: string[]) => `| ${c.join(' | ')} |`;
    const table = [
      line([
        'tokens (targets)',
        'quant',
        'engine ms',
        'hf ms',
        'engine tok/s',
        'hf tok/s',
        'speed ×',
        'engine peak RSS MB',
        'hf peak RSS MB',
        ...(device !== 'cpu' ? ['engine CUDA MB', 'hf CUDA MB'] : []),
      ]),
      line(Array(device !== 'cpu' ? 11 : 9).fill('---')),
      ...rows.map((r) =>
        line([
          `${r.seq} (${r.targets})`,
          String(r.quant),
          String(r.engine_ms),
          String(r.hf_ms ?? '–'),
          String(r.engine_tok_s),
          String(r.hf_tok_s ?? '–'),
          String(r.speed_ratio ?? '–'),
          String(r.engine_peak_rss_mb),
          String(r.hf_peak_rss_mb ?? '–'),
          ...(device !== 'cpu' ? [String(r.engine_cuda_peak_mb), String(r.hf_cuda_peak_mb ?? '–')] : []),
        ]),
      ),
    ];
    process.stderr.write(`[bench] ${device} ${dtype}, ${prep.parameters} parameters, ${reps} interleaved steps per side (median)\n${table.join('\n')}\n`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
});
