// Issue 24: Train settings whose values cannot work are refused before a run
// starts, with the field named: a learning rate that is not a positive finite
// number, a rank below 1, a LoRA alpha whose scale (alpha/r, alpha/√r with
// rsLoRA) is absurd or infinite, and the same for an adapter a run starts from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeZodError } from '../../../../preload/contract';
import { MAX_LORA_SCALE, TrainConfig } from '../../../../preload/contract/train';
import { Studio } from '../../../../main/core/studio';
import { loraOfAdapter } from '../../../../main/core/models/adapterLora';
import { tempDir } from '../../../helpers/tmp';

const base = { baseArtifactId: 'b', datasetArtifactId: 'd' };
const refusal = (cfg: Record<string, unknown>): string => {
  const r = TrainConfig.safeParse({ ...base, ...cfg });
  return r.success ? 'accepted' : describeZodError(r.error);
};
const lora = (l: Record<string, unknown>) => ({ lora: { r: 32, alpha: 32, dropout: 0, rslora: false, targets: ['q_proj'], ...l } });

describe('train settings that cannot work', () => {
  it('a learning rate that is zero, negative, infinite or NaN names lr', () => {
    for (const lr of [0, -1e-4, Infinity, NaN]) expect(refusal({ lr })).toMatch(/^lr: /);
    expect(refusal({ lr: 2e-4 })).toBe('accepted');
  });

  it('a rank below 1 names lora.r', () => {
    expect(refusal(lora({ r: 0 }))).toMatch(/^lora\.r: rank must be at least 1/);
  });

  it('an absurd or infinite alpha names lora.alpha with the scale it gives', () => {
    expect(refusal(lora({ alpha: 1e308 }))).toMatch(/^lora\.alpha: alpha 1e\+308 with r=32 gives a LoRA scale of 3\.1\d*e\+306; at most 1000 trains$/);
    expect(refusal(lora({ alpha: Infinity }))).toMatch(/^lora\.alpha: /);
    expect(refusal(lora({ alpha: 0 }))).toMatch(/^lora\.alpha: alpha must be positive/);
    // The bound is on the scale: rsLoRA divides by √r, so the same alpha can pass one way and not the other.
    expect(refusal(lora({ r: 4, alpha: 4 * MAX_LORA_SCALE }))).toBe('accepted');
    expect(refusal(lora({ r: 4, alpha: 4 * MAX_LORA_SCALE, rslora: true }))).toMatch(/^lora\.alpha: .*\(rsLoRA\) gives a LoRA scale of 2000/);
    expect(refusal(lora({ r: 16, alpha: 32 }))).toBe('accepted');
  });

  it('the runner refuses such a run before it starts, naming the field', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    try {
      studio.createProject(join(tempDir(), 'p'), 'refuse');
      const { runner, project } = studio.requireProject();
      expect(() => runner.start('train.run', { ...base, ...lora({ alpha: 1e308 }) })).toThrow(/invalid config for train\.run: lora\.alpha: alpha 1e\+308/);
      expect(project.store.listRuns()).toHaveLength(0); // no run was recorded
    } finally {
      await studio.dispose();
    }
  });

  it("an adapter to start from whose lora_alpha overflows (JSON's 1e400 is Infinity) names the file and field", () => {
    const dir = join(tempDir(), 'adapter');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'adapter_model.safetensors'), '');
    for (const alpha of ['1e400', '1e300']) {
      writeFileSync(join(dir, 'adapter_config.json'), `{"peft_type": "LORA", "r": 8, "lora_alpha": ${alpha}, "target_modules": ["q_proj"]}`);
      expect(() => loraOfAdapter(dir)).toThrow(`${join(dir, 'adapter_config.json')}: lora_alpha ${alpha === '1e400' ? 'Infinity' : '1e+300'} with r=8 gives a LoRA scale of`);
    }
    writeFileSync(join(dir, 'adapter_config.json'), `{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"]}`);
    expect(loraOfAdapter(dir)).toMatchObject({ r: 8, alpha: 16 });
  });
});
