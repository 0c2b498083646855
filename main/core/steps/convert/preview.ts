// The Convert step's preview: the first samples exactly as the model will see
// them (rendered template, images inline, loss regions marked) and token
// statistics over the first `scan` episodes, with the same code the job runs.
import type { z } from 'zod';
import type { ConvertPreview, ConvertPreviewParams } from '../../../../preload/contract/convert';
import { segments } from '../../model/chat';
import { loadTextSide, type TextSide } from '../../model/templateAndTokenizer';
import { toArtifact } from '../../lineage/artifacts';
import type { Project } from '../../project/project';
import { StudioError } from '../../util/errors';
import { withPixelLimits } from './pixelLimits';
import { roundHistogram } from '../../util/histogram';
import { readEpisodes } from './episodes';
import { planEpisode } from './plan';
import { emptySplitWarning } from './splitWarning';
import { TARGETS } from './targets';

type Params = z.output<typeof ConvertPreviewParams>;

export async function previewConversion(source: string, p: Params, text: TextSide): Promise<ConvertPreview> {
  const samples: ConvertPreview['samples'] = [];
  const tokens: number[] = [];
  const stats = { episodes: 0, samples: 0, train: 0, validation: 0, overLength: 0 };
  const warnings: string[] = [];
  let dropped = 0;
  let complete = true;
  const it = readEpisodes(source);
  for await (const ep of it) {
    if (stats.episodes >= p.scan) {
      complete = false;
      await it.return(undefined);
      break;
    }
    stats.episodes++;
    const { split, samples: planned } = planEpisode(ep, p, text, () => dropped++);
    for (const { sample: s, budget: b, over, kept } of planned) {
      tokens.push(b.tokens);
      if (over) stats.overLength++;
      if (!kept) continue;
      stats.samples++;
      stats[split]++;
      if (samples.length < p.limit) {
        samples.push({
          key: s.key,
          trajectoryId: ep.id,
          turn: s.turn,
          split,
          tokens: b.tokens,
          textTokens: b.textTokens,
          imageTokens: b.imageTokens,
          overLength: over,
          segments: segments(b.rendered, b.spans),
          images: s.images.map((png, i) => {
            const im = b.images[i]!;
            return {
              src: `data:image/png;base64,${png.toString('base64')}`,
              width: im.width,
              height: im.height,
              resizedWidth: im.resizedWidth,
              resizedHeight: im.resizedHeight,
              tokens: im.tokens,
            };
          }),
        });
      }
    }
  }
  if (!text.exact) warnings.push('No base model chosen: text tokens are estimated (about 3.6 bytes per token). Choose a base model for exact counts.');
  if (dropped) warnings.push(`${dropped} prompt(s) had an <image> placeholder but no frame; the placeholder is removed.`);
  const split = complete ? emptySplitWarning(stats, p.split.validation, p.split.by === 'ratio' ? [] : p.split.values, TARGETS[p.target].files) : null;
  if (split) warnings.push(split);
  return {
    templateSource: text.templateSource,
    exactTokens: text.exact,
    samples,
    stats: { ...stats, maxTokens: p.maxTokens, histogram: roundHistogram(tokens), complete },
    warnings,
  };
}

/** Preview inside a project: resolves the dataset (and optional model) artifacts the job would use. */
export async function previewInProject(project: Project, p: Params): Promise<ConvertPreview> {
  const row = (id: string, what: string) => {
    const r = project.store.getArtifact(id);
    if (!r) throw new StudioError('not_found', `no ${what} artifact with id ${id}`);
    return toArtifact(project, r);
  };
  const dataset = row(p.datasetArtifactId, 'dataset');
  const model = p.modelArtifactId ? row(p.modelArtifactId, 'model') : null;
  return previewConversion(dataset.path, p, withPixelLimits(loadTextSide(model?.path ?? null), p));
}
