// Review benchmark: a project with 10k trajectories and 200k distinct 256×256
// frames; reports how long the filter preview (counts + histograms), a list
// page, and opening a trajectory (turns + its first frame) take.
//   npx vitest run --config test/bench/vitest.config.ts review     (BENCH_TRAJ=10000 BENCH_TURNS=20)
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { it } from 'vitest';
import { Studio } from '../../main/core/studio';
import { TrajectoryStore } from '../../main/core/db/trajectories';
import { encodePngRgb } from '../../main/core/util/png';
import { rng } from '../helpers/checkpoints';

const N = Number(process.env.BENCH_TRAJ ?? '10000');
const TURNS = Number(process.env.BENCH_TURNS ?? '20');

function frame(k: number): Buffer {
  const rgb = new Uint8Array(256 * 256 * 3);
  // A board-like picture that differs per frame: 16-px tiles coloured from k.
  for (let y = 0; y < 256; y++)
    for (let x = 0; x < 256; x++) {
      const tile = ((x >> 4) * 31 + (y >> 4) * 17 + k) % 7;
      const o = (y * 256 + x) * 3;
      rgb[o] = tile * 36;
      rgb[o + 1] = (tile * 53 + (k & 0xff)) & 0xff;
      rgb[o + 2] = ((k >> 8) * 13) & 0xff;
    }
  return encodePngRgb(256, 256, rgb);
}

const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms`;
};

it(`review latency with ${N} trajectories × ${TURNS} turns`, async () => {
  const root = mkdtempSync(join(tmpdir(), 'review-bench-'));
  const studio = new Studio({ shell: 'server', configDir: join(root, 'home') });
  try {
    studio.createProject(join(root, 'p'), 'bench');
    const { project } = studio.requireProject();
    const store = new TrajectoryStore(project.db);
    const rand = rng(3);
    const t0 = Date.now();
    let k = 0;
    const insert = project.db.transaction((task: number) => {
      const id = store.begin({
        rollout_id: 'bench',
        run_id: null,
        source: 'rollout',
        source_file: null,
        source_index: null,
        game: 'sokoban',
        seed: task % 2000,
        task_index: task,
        sample_index: 0,
        created_at: new Date(1e12 + task).toISOString(),
      });
      const len = 1 + Math.floor(rand() * TURNS);
      for (let i = 0; i < TURNS; i++) {
        const fid = store.putFrame(frame(k++), 256, 256);
        if (i >= len) continue; // every trajectory still stores TURNS frames' worth of data on average
        store.addTurn({
          trajectory_id: id,
          idx: i,
          prompt: 'Your current observation is shown in the image: <image> …',
          text_obs: null,
          frame_id: fid,
          reply: '<think>push the box left</think>\n<action>left</action>',
          think: 'push the box left',
          action: ['up', 'down', 'left', 'right'][Math.floor(rand() * 4)]!,
          action_valid: 1,
          format_valid: rand() < 0.9 ? 1 : 0,
          reward: -0.1,
          done: i === len - 1 ? 1 : 0,
          won: 0,
          effective: 1,
          prompt_tokens: 300,
          completion_tokens: 40,
          latency_ms: 100,
        });
      }
      store.finish(id, 'complete', rand() < 0.6);
    });
    for (let t = 0; t < N; t++) insert(t);
    const fill = (Date.now() - t0) / 1000;
    const time = async (fn: () => unknown): Promise<number> => {
      const s = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - s) / 1e6;
    };
    const rulesSets = [
      {},
      { success: true },
      { success: true, dropDuplicates: true },
      { minLength: 5, maxLength: 15, minFormatValidRatio: 0.8 },
      { success: true, maxInvalidActions: 0, dropDuplicates: true },
    ];
    const filterTimes: number[] = [];
    for (let r = 0; r < 4; r++) for (const rules of rulesSets) filterTimes.push(await time(() => studio.api.handle('review.preview', { rules })));
    const listTimes: number[] = [];
    for (let r = 0; r < 20; r++) listTimes.push(await time(() => studio.api.handle('review.list', { rules: { success: true }, offset: Math.floor(rand() * 5000), limit: 200 })));
    const ids = (project.db.prepare('SELECT id FROM trajectories ORDER BY random() LIMIT 50').all() as { id: string }[]).map((x) => x.id);
    const openTimes: number[] = [];
    for (const id of ids)
      openTimes.push(
        await time(async () => {
          const d = (await studio.api.handle('review.trajectory', { id, rules: { success: true } })) as { turns: { frameId: number }[] };
          await studio.api.handle('review.frame', { id: d.turns[0]!.frameId });
        }),
      );
    const frames = project.db.prepare('SELECT COUNT(*) AS n, SUM(length(png)) AS b FROM frames').get() as { n: number; b: number };
    console.log(
      `\nreview benchmark: ${N} trajectories, ${frames.n} frames (${(frames.b / 1024 ** 2).toFixed(0)} MB of PNG), filled in ${fill.toFixed(0)} s\n` +
        `  filter preview (counts + 3 histograms), ${filterTimes.length} runs over 5 rule sets: ${stats(filterTimes)}  (target < 100 ms)\n` +
        `  list page of 200: ${stats(listTimes)}\n` +
        `  open trajectory (turns + first frame), 50 random: ${stats(openTimes)}  (target < 150 ms)\n`,
    );
  } finally {
    await studio.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
