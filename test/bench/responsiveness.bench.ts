// Responsiveness under load (issue 24, item 1): while a job runs in the core,
// a simple API call is made every 20 ms; reports the latency the UI would see
// (from when the call was due to its answer: event-loop lag included), and how
// long a cancel takes to be acknowledged (the run reaching 'cancelled').
//   npx vitest run --config test/bench/vitest.config.ts responsiveness
//   (BENCH_TASKS=16 BENCH_EPISODES=1000 BENCH_HASH_GB=2)
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import type { RunSummary } from '../../preload/contract';
import { Studio } from '../../main/core/studio';
import { writeArlarenaFiles } from '../helpers/datasets';

const TASKS = Number(process.env.BENCH_TASKS ?? '16');
const EPISODES = Number(process.env.BENCH_EPISODES ?? '1000');
const HASH_GB = Number(process.env.BENCH_HASH_GB ?? '2');

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

async function measure(studio: Studio, label: string, kind: string, config: unknown, cancelAfterMs: number): Promise<string> {
  const { runner } = studio.requireProject();
  const lat: number[] = [];
  let cancelAt = 0;
  let cancelAck = NaN;
  const off = studio.events.subscribe((e, p) => {
    const r = p as RunSummary;
    if (e === 'run.updated' && cancelAt && Number.isNaN(cancelAck) && r.status !== 'running' && r.status !== 'queued') cancelAck = performance.now() - cancelAt;
  });
  const run = runner.start(kind, config);
  const t0 = performance.now();
  let due = t0;
  let done = false;
  void runner.idle().then(() => (done = true));
  while (!done && performance.now() - t0 < 60_000) {
    due += 20;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    await studio.api.handle('jobs.list', { limit: 5 });
    lat.push(performance.now() - due);
    if (!cancelAt && performance.now() - t0 > cancelAfterMs) {
      cancelAt = performance.now();
      runner.cancel(run.id);
    }
    due = Math.max(due, performance.now());
  }
  off();
  const status = runner.summary(run.id).status;
  const line = `${label.padEnd(28)} calls ${String(lat.length).padStart(4)}  p50 ${q(lat, 0.5).toFixed(1).padStart(7)} ms  p95 ${q(lat, 0.95).toFixed(1).padStart(7)} ms  max ${Math.max(
    ...lat,
  )
    .toFixed(0)
    .padStart(6)} ms  cancel ack ${Number.isNaN(cancelAck) ? '—' : `${cancelAck.toFixed(0)} ms`} (${status})`;
  console.log(line); // as soon as known: a later scenario may take long
  return line;
}

it('API latency and cancel acknowledgement while jobs run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'resp-bench-'));
  const studio = new Studio({ shell: 'server', configDir: join(root, 'home') });
  try {
    studio.createProject(join(root, 'p'), 'bench');
    const lines: string[] = [];
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await studio.api.handle('jobs.list', { limit: 5 });
      idle.push(performance.now() - t);
    }
    lines.push(`${'idle'.padEnd(28)} p50 ${q(idle, 0.5).toFixed(2)} ms  p95 ${q(idle, 0.95).toFixed(2)} ms`);
    lines.push(await measure(studio, `expert rollout ×${TASKS}`, 'rollout.run', { tasks: TASKS, samplesPerTask: 1, concurrency: 4, policy: { type: 'expert' } }, 1500));
    const files = writeArlarenaFiles(join(root, 'arl'), [{ seed: 1, episodes: EPISODES, turns: 10 }]);
    lines.push(await measure(studio, `ARLArena import ×${EPISODES}`, 'rollout.import', { paths: [files] }, 1500));
    const big = join(root, 'big.bin');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, HASH_GB * 1024 ** 3);
    closeSync(fd);
    // Review export and conversion of a finished import (the measured runs above were cancelled).
    const { runner, project } = studio.requireProject();
    const done = async (kind: string, config: unknown): Promise<string> => {
      const r = (await studio.api.handle('jobs.start', { kind, config })) as RunSummary;
      await runner.idle();
      return project.store.runOutputs(r.id)[0]!.id;
    };
    await done('rollout.import', { paths: [writeArlarenaFiles(join(root, 'arl2'), [{ seed: 2, episodes: Math.min(EPISODES, 300), turns: 10 }])] });
    lines.push(await measure(studio, `review export ×${Math.min(EPISODES, 300)}`, 'review.export', { name: 'bench-measured' }, 1500));
    const dataset = await done('review.export', { name: 'bench' });
    lines.push(await measure(studio, 'convert (the export)', 'convert.run', { datasetArtifactId: dataset }, 1500));
    lines.push(await measure(studio, `hash ${HASH_GB} GB (import)`, 'artifact.import', { path: big, kind: 'file', mode: 'reference' }, 1500));
    console.log(`\n${lines.join('\n')}\n`);
  } finally {
    await studio.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
