// The upload model card, from a project whose lineage holds a dataset, a
// training run with curves, an adapter and a merge.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerArtifact } from '../../../../main/core/lineage/artifacts';
import { createProject } from '../../../../main/core/project/project';
import { gatherCardFacts } from '../../../../main/core/steps/upload/cardFacts';
import { uploadModelCard } from '../../../../main/core/steps/upload/modelCard';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';

describe('upload model card', () => {
  it('names the base, the datasets with sizes, the LoRA settings, the training curves and how to load a merged model', async () => {
    const root = tempDir();
    const project = createProject(join(root, 'project'), 'card');
    const specs = makeQwen3VLCheckpoint(join(root, 'base'), { shards: 1 });
    makeLoraAdapter(join(root, 'adapter'), specs, { r: 32, alpha: 64, rslora: true });
    mkdirSync(join(root, 'dataset'));
    writeFileSync(join(root, 'dataset', 'train.parquet'), Buffer.alloc(2 * 1024 * 1024));
    makeQwen3VLCheckpoint(join(root, 'merged'), { shards: 1, seed: 3 });

    const run = (kind: string, title: string): string => {
      const id = randomUUID();
      project.store.insertRun({ id, kind, step: null, title, config_json: '{}', created_at: new Date().toISOString() });
      return id;
    };
    const base = await registerArtifact(project, { path: join(root, 'base'), kind: 'base-model', name: 'Qwen3-VL-4B-Instruct' }, null);
    const dataset = await registerArtifact(
      project,
      { path: join(root, 'dataset'), kind: 'dataset-parquet', name: 'sokoban | won', meta: { target: 'trl', counts: { samples: 94, train: 90 } } },
      null,
    );
    const train = run('train.run', 'Train LoRA on sokoban');
    project.store.addRunInput(train, base.id, 'base');
    project.store.addRunInput(train, dataset.id, 'dataset');
    [2.5, 1.25, 0.5].forEach((v, i) => project.store.upsertMetric(train, 'loss', i + 1, v, new Date().toISOString()));
    project.store.upsertMetric(train, 'lr', 1, 2e-4, new Date().toISOString());
    const adapter = await registerArtifact(project, { path: join(root, 'adapter'), kind: 'adapter', name: 'sokoban-lora' }, train);
    const merge = run('merge.run', 'Merge sokoban-lora into base');
    project.store.addRunInput(merge, adapter.id, 'adapter');
    project.store.addRunInput(merge, base.id, 'base');
    const merged = await registerArtifact(project, { path: join(root, 'merged'), kind: 'merged-model', name: 'sokoban-merged' }, merge);

    const facts = gatherCardFacts(project, merged);
    expect(facts).toMatchObject({
      kind: 'merged-model',
      baseModelId: 'tiny/qwen3-vl',
      lora: { r: 32, alpha: 64, rslora: true, dropout: 0 },
      datasets: [{ name: 'sokoban | won', samples: 94, sizeBytes: 2 * 1024 * 1024 }],
    });
    const card = uploadModelCard({ facts, repo: 'me/sokoban-merged', endpoint: 'https://huggingface.co', createdAt: '2026-01-01T00:00:00Z' });
    expect(card.startsWith('---\nlibrary_name: transformers\npipeline_tag: image-text-to-text\nbase_model: "tiny/qwen3-vl"\n')).toBe(true);
    expect(card).toContain('| lora_alpha | 64 (rsLoRA: scale alpha/√r) |');
    expect(card).toContain('| target modules | down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj |');
    expect(card).toContain('| sokoban \\| won | dataset-parquet | 94 | 2.0 MB |');
    expect(card).toContain('From the run "Train LoRA on sokoban"');
    expect(card).toContain('| loss | 3 | 1–3 | 2.5 | 0.5 | 0.5 | 2.5 |');
    expect(card).toContain('| lr | 1 | 1–1 | 2.000e-4 |');
    expect(card).toMatch(/\n- merged-model 'sokoban-merged' .* ← Merge sokoban-lora into base\n(?: {2}- .*\n)* {2}- adapter 'sokoban-lora' .* ← Train LoRA on sokoban\n {4}- /);
    expect(card).toContain('AutoModelForImageTextToText.from_pretrained("me/sokoban-merged"');
    expect(card).toContain('vLLM: `vllm serve me/sokoban-merged`');
    expect(card).not.toContain('HF_ENDPOINT');
    project.close();
  });
});
