// The Train step's memory estimate for a base model, dataset and settings,
// with this machine's GPUs to compare against.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { TrainEstimate, TrainEstimateParams } from '../../../../preload/contract/train';
import { toArtifact } from '../../lineage/artifacts';
import type { Project } from '../../project/project';
import { systemReport } from '../../system/systemReport';
import { StudioError } from '../../util/errors';
import { estimateTrainMemory } from './memory';

export async function estimateInProject(project: Project, p: z.output<typeof TrainEstimateParams>): Promise<z.output<typeof TrainEstimate>> {
  const row = project.store.getArtifact(p.baseArtifactId);
  if (!row) throw new StudioError('not_found', `no model artifact with id ${p.baseArtifactId}`);
  const base = toArtifact(project, row);
  let seqLen = 2048;
  // Shown in parentheses by the UI, so no parentheses of its own.
  let seqLenSource = p.datasetArtifactId ? 'assumed: the chosen dataset has no token statistics' : 'assumed, no dataset chosen';
  let patches = 1024;
  if (p.datasetArtifactId) {
    const d = project.store.getArtifact(p.datasetArtifactId);
    const info = d ? join(toArtifact(project, d).path, 'dataset_info.json') : null;
    if (info && existsSync(info)) {
      const j = JSON.parse(readFileSync(info, 'utf8')) as { tokens?: { p95?: number }; counts?: { images?: number; samples?: number } };
      if (j.tokens?.p95) {
        seqLen = j.tokens.p95;
        seqLenSource = "the dataset's 95th percentile";
      }
      // Images per sample × 256 patches for a 256×256 frame (the game frames' size).
      if (j.counts?.samples) patches = Math.ceil(((j.counts.images ?? 0) / j.counts.samples) * 256);
    }
  }
  const e = estimateTrainMemory({
    modelDir: base.path,
    r: p.lora.r,
    targets: p.lora.targets,
    dtype: p.dtype,
    quant: p.quant,
    states8bit: p.optimizer === 'adamw-8bit',
    batchSize: p.batchSize,
    seqLen,
    patches,
    gradientCheckpointing: p.gradientCheckpointing,
  });
  const report = await systemReport();
  const gpus = (report.cuda?.devices ?? []).map((g) => ({ name: g.name, totalMemoryBytes: g.totalMemoryBytes }));
  return { weightsBytes: e.weightsBytes, loraBytes: e.loraBytes, activationBytes: e.activationBytes, totalBytes: e.totalBytes, seqLen, seqLenSource, gpus };
}
