// Issue 24: a model whose config.json and weights disagree on the number of
// layers is refused before the engine loads it, naming the file and field;
// the real Hugging Face layout (the tiny checkpoint helper) passes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModelLayers } from '../../../main/core/models/layerCheck';
import { Studio } from '../../../main/core/studio';
import { makeQwen3VLCheckpoint } from '../../helpers/checkpoints';
import { tempDir } from '../../helpers/tmp';

/** A safetensors file by hand: one F32 scalar per name (the check reads names only). */
function writeTinySafetensors(file: string, names: string[]): void {
  const header: Record<string, unknown> = {};
  names.forEach((n, i) => (header[n] = { dtype: 'F32', shape: [1], data_offsets: [i * 4, i * 4 + 4] }));
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([len, Buffer.from(json), Buffer.alloc(names.length * 4)]));
}

const decoder = (i: number) => [`model.language_model.layers.${i}.self_attn.q_proj.weight`, `model.language_model.layers.${i}.mlp.down_proj.weight`];
const vision = (i: number) => [`model.visual.blocks.${i}.attn.qkv.weight`];

function handMade(o: { layers: number; blocks: number; text: number[]; visual: number[]; deepstack?: number[] }): string {
  const dir = join(tempDir(), 'm');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ model_type: 'qwen3_vl', text_config: { num_hidden_layers: o.layers }, vision_config: { depth: o.blocks, deepstack_visual_indexes: o.deepstack ?? [0] } }),
  );
  writeTinySafetensors(join(dir, 'model.safetensors'), ['model.language_model.embed_tokens.weight', ...o.text.flatMap(decoder), ...o.visual.flatMap(vision)]);
  return dir;
}

describe('config.json against the weights', () => {
  it('accepts a folder whose counts match', () => {
    expect(() => checkModelLayers(handMade({ layers: 3, blocks: 2, text: [0, 1, 2], visual: [0, 1] }))).not.toThrow();
    const real = join(tempDir(), 'tiny');
    makeQwen3VLCheckpoint(real, { shards: 2 });
    expect(() => checkModelLayers(real)).not.toThrow();
  });

  it('refuses a config that says fewer decoder layers than the weights hold', () => {
    const dir = handMade({ layers: 2, blocks: 2, text: [0, 1, 2, 3], visual: [0, 1] });
    expect(() => checkModelLayers(dir)).toThrow(`${join(dir, 'config.json')}: text_config.num_hidden_layers is 2, but model.safetensors holds decoder layers 4 (0, 1, 2, 3)`);
  });

  it('refuses a config that says more layers than there are, or weights with a layer missing', () => {
    expect(() => checkModelLayers(handMade({ layers: 5, blocks: 2, text: [0, 1, 2], visual: [0, 1] }))).toThrow(
      /text_config\.num_hidden_layers is 5, but model\.safetensors holds decoder layers 3 \(0, 1, 2\)/,
    );
    expect(() => checkModelLayers(handMade({ layers: 3, blocks: 2, text: [0, 1, 3], visual: [0, 1] }))).toThrow(/num_hidden_layers is 3, but .* 3 \(0, 1, 3\)/);
  });

  it('refuses a vision depth that does not match the blocks, and DeepStack taps past the last block', () => {
    expect(() => checkModelLayers(handMade({ layers: 1, blocks: 4, text: [0], visual: [0, 1] }))).toThrow(
      /vision_config\.depth is 4, but model\.safetensors holds vision blocks 2 \(0, 1\)/,
    );
    expect(() => checkModelLayers(handMade({ layers: 1, blocks: 2, text: [0], visual: [0, 1], deepstack: [0, 2] }))).toThrow(
      /vision_config\.deepstack_visual_indexes \[0,2\] names block\(s\) 2 outside the 2 vision blocks/,
    );
  });

  it('names a config field that is not a count', () => {
    const dir = handMade({ layers: 1, blocks: 1, text: [0], visual: [0] });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ text_config: { num_hidden_layers: -1 } }));
    expect(() => checkModelLayers(dir)).toThrow(/config\.json: text_config\.num_hidden_layers is -1/);
  });

  it('the Train job refuses such a base before a trainer starts', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    try {
      studio.createProject(join(tempDir(), 'p'), 'layers');
      const { runner, project } = studio.requireProject();
      const model = join(tempDir(), 'tiny-qwen3-vl');
      makeQwen3VLCheckpoint(model, { shards: 1 });
      runner.start('artifact.import', { path: model, kind: 'base-model', mode: 'reference' });
      await runner.idle();
      const base = project.store.listArtifacts(['base-model'])[0]!;
      const cfgFile = join(model, 'config.json');
      const cfg = JSON.parse(readFileSync(cfgFile, 'utf8'));
      const layers = cfg.text_config.num_hidden_layers as number;
      cfg.text_config.num_hidden_layers = layers - 1; // as if someone trimmed the config, not the weights
      writeFileSync(cfgFile, JSON.stringify(cfg));
      const run = runner.start('train.run', { baseArtifactId: base.id, datasetArtifactId: 'not-needed-it-fails-first', device: 'cpu' });
      await runner.idle();
      const s = runner.summary(run.id);
      expect(s.status).toBe('failed');
      expect(s.error).toContain(`${cfgFile}: text_config.num_hidden_layers is ${layers - 1}, but model.safetensors holds decoder layers ${layers}`);
    } finally {
      await studio.dispose();
    }
  });
});
