// Step 2's output: the accepted trajectories as a dataset folder, in our JSONL
// format or in the ARLArena JSON layout — with lineage to the rollouts they came from.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ExportDatasetConfig, type FilterRules } from '../../../../preload/contract';
import type { JobDefinition } from '../../jobs/types';
import { artifactDir } from '../../project/layout';
import { StudioError } from '../../util/errors';
import { nowIso } from '../../util/time';
import { trajectoryRecord } from '../../formats/trajectoriesJsonl';
import { Review } from './review';
import { writeFileInPieces } from '../../util/atomicWrite';

type Config = z.output<typeof ExportDatasetConfig>;

export const DATASET_FORMAT_VERSION = 1;

export const exportDatasetJob: JobDefinition<Config> = {
  kind: 'review.export',
  step: 'filter',
  schema: ExportDatasetConfig,
  title: (c) => `Export dataset '${c.name}' (${c.format})`,
  async run(ctx) {
    const review = new Review(ctx.project);
    let rules: FilterRules = ctx.config.rules;
    if (ctx.config.filterId) {
      const f = review.filters().find((x) => x.id === ctx.config.filterId);
      if (!f) throw new StudioError('not_found', `no saved filter with id ${ctx.config.filterId}`);
      rules = f.rules;
    }
    const ids = review.acceptedIds(rules);
    if (!ids.length) throw new StudioError('empty', 'no trajectory is accepted by these rules and decisions; nothing to export');
    const store = ctx.project.trajectories;
    const dir = ctx.ownOutput(join(artifactDir(ctx.project.dir, 'dataset-json'), `${ctx.config.name}-${randomUUID().slice(0, 8)}`));
    mkdirSync(dir, { recursive: true });
    const rollouts = new Set<string>();
    const file = join(dir, ctx.config.format === 'jsonl' ? 'trajectories.jsonl' : `high_score_multiturn_texts_${ctx.config.name.replace(/\s+/g, '_')}.json`);
    writeFileInPieces(file, (write) => {
      if (ctx.config.format === 'arlarena') write('[\n');
      ids.forEach((id, i) => {
        ctx.throwIfCancelled();
        const rec = trajectoryRecord(store, id)!;
        rollouts.add(store.get(id)!.rollout_id);
        if (ctx.config.format === 'jsonl') write(`${JSON.stringify(rec)}\n`);
        else write(`${i ? ',\n' : ''}${JSON.stringify(toArlarena(rec, i))}`);
        if (i % 50 === 0) ctx.progress(i / ids.length, `${i}/${ids.length} trajectories`);
      });
      if (ctx.config.format === 'arlarena') write('\n]\n');
    });
    writeFileSync(
      join(dir, 'dataset.json'),
      JSON.stringify(
        {
          format: ctx.config.format === 'jsonl' ? 'vlm-sft-studio.trajectories' : 'arlarena.multiturn',
          version: DATASET_FORMAT_VERSION,
          name: ctx.config.name,
          trajectories: ids.length,
          rules,
          rollouts: [...rollouts],
          createdAt: nowIso(),
        },
        null,
        2,
      ),
    );
    // Lineage: the rollout (or import) artifacts these trajectories came from.
    for (const a of ctx.project.store.listArtifacts(['trajectories'])) {
      const meta = JSON.parse(a.meta_json) as { rolloutId?: string };
      if (meta.rolloutId && rollouts.has(meta.rolloutId)) ctx.input(a.id, 'trajectories', ['trajectories']);
    }
    const out = await ctx.addOutput({ path: dir, kind: 'dataset-json', name: ctx.config.name, meta: { format: ctx.config.format, trajectories: ids.length, rules } });
    ctx.project.store.insertDataset({
      id: randomUUID(),
      artifact_id: out.id,
      format: ctx.config.format,
      num_samples: ids.length,
      filter_id: ctx.config.filterId ?? null,
      created_at: nowIso(),
    });
    ctx.progress(1, `${ids.length} trajectories`);
    ctx.log('info', `exported ${ids.length} trajectories from ${rollouts.size} rollout(s)/import(s) to ${dir}`);
  },
};

/** One episode as ARLArena's json_to_parquet.py reads it, but with every turn's own frame. */
function toArlarena(rec: Record<string, unknown>, sampleIdx: number): Record<string, unknown> {
  const turns = rec.turns as { step: number; prompt: string; reply: string; image: { format: string; data: string } | null }[];
  return {
    sample_idx: sampleIdx, // unique across the whole export, not per source file
    task_score: rec.task_score,
    turns: turns.map((t) => ({ step: t.step, inputs: [{ content: t.prompt, role: 'user' }], outputs: t.reply, image: t.image })),
    images: turns.map((t) => t.image),
    source: { id: rec.id, game: rec.game, seed: rec.seed, source_file: rec.source_file, source_index: rec.source_index },
  };
}
