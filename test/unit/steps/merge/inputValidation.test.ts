// Merge inputs that used to produce garbage silently: absurd LoRA scales, merges that
// overflow to inf/NaN.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHeader, readTensor, writeSafetensors } from '../../../../main/core/native/safetensors';
import { mergeModel } from '../../../../main/core/steps/merge/mergeModel';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';

function mergeSetup(): { root: string; base: string; adapter: string; cfgFile: string } {
  const root = tempDir();
  const base = join(root, 'base');
  const adapter = join(root, 'adapter');
  makeLoraAdapter(adapter, makeQwen3VLCheckpoint(base, { dtype: 'BF16', shards: 1 }), { r: 8, alpha: 16 });
  return { root, base, adapter, cfgFile: join(adapter, 'adapter_config.json') };
}
const patchConfig = (file: string, patch: Record<string, unknown>): void => writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }));

describe('input validation', () => {
  it('refuses lora_alpha 1e308 (and an absurd alpha_pattern) naming the file and field, before writing anything', async () => {
    const { root, base, adapter, cfgFile } = mergeSetup();
    patchConfig(cfgFile, { lora_alpha: 1e308 });
    await expect(mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(root, 'out') })).rejects.toThrow(
      /adapter_config\.json: lora_alpha 1e\+308 with r=8 gives a LoRA scale of 1\.25e\+307 for '.*', outside the usable range/,
    );
    patchConfig(cfgFile, { lora_alpha: 16, alpha_pattern: { q_proj: 80000 } });
    await expect(mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(root, 'out') })).rejects.toThrow(
      /adapter_config\.json: alpha_pattern 80000 with r=8 gives a LoRA scale of 10000/,
    );
    expect(readdirSync(root).sort()).toEqual(['adapter', 'base']);
  });

  it('refuses a merge whose result overflows to inf (huge adapter weights at a normal scale) and leaves no output', async () => {
    const { root, base, adapter } = mergeSetup();
    const file = join(adapter, 'adapter_model.safetensors');
    const tensors = readHeader(file).tensors.map((t) => {
      const d = readTensor(file, t.name);
      if (t.name.endsWith('lora_B.weight')) new Float32Array(d.data.buffer, d.data.byteOffset, d.data.length / 4).fill(1e30);
      if (t.name.endsWith('lora_A.weight')) new Float32Array(d.data.buffer, d.data.byteOffset, d.data.length / 4).fill(1e10);
      return { name: t.name, dtype: t.dtype, shape: t.shape, data: d.data };
    });
    writeSafetensors(file, tensors, { format: 'pt' });
    await expect(mergeModel({ baseDir: base, adapterDir: adapter, outDir: join(root, 'out') })).rejects.toThrow(
      /the merge produced a non-finite value \(inf\/NaN\) at row 0 \(LoRA scale 2/,
    );
    expect(readdirSync(root).sort()).toEqual(['adapter', 'base']);
  });
});
