// Brings trajectory files our users already have (ARLArena JSON) into the
// project for review. Broken episodes are reported with file and JSON path;
// the good ones are imported. Episodes are keyed by (file, sample_idx).
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ImportTrajectoriesConfig } from '../../../../preload/contract';
import type { TrajectoryStore } from '../../db/trajectories';
import type { JobDefinition } from '../../jobs/types';
import { StudioError } from '../../util/errors';
import { nowIso } from '../../util/time';
import { formatIssue, frameForTurn, type ImportIssue, type ImportedEpisode } from '../../formats/arlarena/arlarena';
import { rpcWorker } from '../../util/workerThread';

type Config = z.output<typeof ImportTrajectoriesConfig>;

function expand(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths.map((x) => resolve(x))) {
    let s;
    try {
      s = statSync(p);
    } catch {
      throw new StudioError('not_found', `${p} does not exist`);
    }
    if (s.isDirectory())
      files.push(
        ...readdirSync(p)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(p, f)),
      );
    else files.push(p);
  }
  if (!files.length) throw new StudioError('bad_input', `no .json files in ${paths.join(', ')}`);
  return files;
}

/** Turns per transaction (~0.3 ms each): short enough that the UI's calls wait a few milliseconds at most. */
const CHUNK_TURNS = 40;

const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

function writeEpisodes(runId: string, game: Config['game'], fileIndex: number, file: string, store: TrajectoryStore, episodes: ImportedEpisode[]): void {
  store.db.transaction(() => {
    for (const ep of episodes) {
      const id = store.begin({
        rollout_id: runId,
        run_id: runId,
        source: 'import',
        source_file: file,
        source_index: ep.sampleIdx,
        game,
        seed: ep.envSeed,
        task_index: fileIndex,
        sample_index: ep.index,
        created_at: nowIso(),
        task_score: ep.taskScore,
      });
      const won = (ep.taskScore ?? 0) > 0.9; // ARLArena keeps an episode when its score is > 0.9, i.e. won
      ep.turns.forEach((t, i) => {
        const img = frameForTurn(ep, i).image;
        const last = i === ep.turns.length - 1;
        store.addTurn({
          trajectory_id: id,
          idx: i,
          prompt: t.prompt,
          text_obs: null,
          frame_id: img ? store.putFrame(asBuffer(img.png), img.width, img.height) : null,
          reply: t.reply,
          think: t.parsed.think,
          action: t.parsed.action,
          action_valid: t.parsed.actionValid ? 1 : 0,
          format_valid: t.parsed.formatValid ? 1 : 0,
          // The files record no per-turn rewards: zero, with the episode's score on the trajectory.
          reward: 0,
          done: last ? 1 : 0,
          won: last && won ? 1 : 0,
          effective: 0,
          prompt_tokens: null,
          completion_tokens: null,
          latency_ms: null,
        });
      });
      store.finish(id, 'complete', won);
    }
  })();
}

export const importTrajectoriesJob: JobDefinition<Config> = {
  kind: 'rollout.import',
  step: 'filter',
  schema: ImportTrajectoriesConfig,
  title: (c) => `Import trajectories: ${c.name ?? c.paths.map((p) => basename(p)).join(', ')}`,
  async run(ctx) {
    const files = expand(ctx.config.paths);
    const store = ctx.project.trajectories;
    let imported = 0;
    let problems = 0;
    // Reading and parsing happen in a worker thread; this thread writes a chunk of episodes per transaction.
    const worker = rpcWorker('importWorker', 'import worker');
    try {
      for (const [fi, file] of files.entries()) {
        ctx.throwIfCancelled();
        const r = await worker.call<{ file: string; errors: ImportIssue[]; episodes: number }>({ type: 'open', path: file, game: ctx.config.game }, ctx.signal);
        for (const issue of r.errors) ctx.log('warn', formatIssue(issue));
        problems += r.errors.length;
        let written = 0;
        try {
          while (written < r.episodes) {
            const chunk = await worker.call<ImportedEpisode[]>({ type: 'next', maxTurns: CHUNK_TURNS }, ctx.signal);
            if (!chunk.length) break;
            ctx.throwIfCancelled();
            writeEpisodes(ctx.runId, ctx.config.game, fi, r.file, store, chunk);
            written += chunk.length;
            imported += chunk.length;
            ctx.progress((fi + written / r.episodes) / files.length, `${imported} episodes from ${fi + 1}/${files.length} file(s)`);
          }
        } catch (err) {
          if (written) store.deleteImportedFile(ctx.runId, r.file); // no half-imported file
          throw err;
        }
        ctx.progress((fi + 1) / files.length, `${imported} episodes from ${fi + 1}/${files.length} file(s)`);
        // A file nothing could be read from is not trajectories: never registered (nor listed by Convert).
        if (r.episodes)
          await ctx.addOutput({
            path: file,
            kind: 'trajectories',
            name: basename(file),
            meta: { rolloutId: ctx.runId, imported: r.episodes, problems: r.errors.length, format: 'arlarena' },
          });
        else ctx.log('warn', `${basename(file)}: no episode could be read; not imported`);
      }
    } finally {
      await worker.close();
    }
    ctx.metric('episodes_imported', 0, imported);
    ctx.metric('problems', 0, problems);
    if (!imported) throw new StudioError('nothing_imported', `no episode could be imported (${problems} problem(s); see the log)`);
    ctx.log('info', `imported ${imported} episodes from ${files.length} file(s)${problems ? `; ${problems} problem(s) reported above` : ''}`);
  },
};
