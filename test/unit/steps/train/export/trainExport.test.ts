// "Export training job" (beyond one machine): the TRL + accelerate project it
// writes, checked as text, compiled (python3 -m py_compile, bash -n) and its
// launch.sh run against a stand-in accelerate.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Studio } from '../../../../../main/core/studio';
import { writeParquetFile } from '../../../../../main/core/parquet/writer';
import { trainExportJob } from '../../../../../main/core/steps/train/export/trainExportJob';
import { readParquet } from '../../../../helpers/parquet';
import { tempDir } from '../../../../helpers/tmp';

const str = (n: string, nullable = false) => new arrow.Field(n, new arrow.Utf8(), nullable);
const list = (t: arrow.DataType) => new arrow.List(new arrow.Field('element', t, false));
const Part = new arrow.Struct([str('type'), str('text', true)]);
const Msg = new arrow.Struct([str('role'), new arrow.Field('content', list(Part), false)]);
const Img = new arrow.Struct([new arrow.Field('bytes', new arrow.Binary(), true), str('path', true)]);
const TRL_SCHEMA = new arrow.Schema([new arrow.Field('messages', list(Msg), false), new arrow.Field('images', list(Img), false)]);

const row = (i: number) => ({
  messages: [
    {
      role: 'user',
      content: [
        { type: 'image', text: null },
        { type: 'text', text: `turn ${i}: where to?` },
      ],
    },
    { role: 'assistant', content: [{ type: 'text', text: '<think>box left</think><action>left</action>' }] },
  ],
  images: [{ bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, i]), path: null }],
});

async function datasetFolder(dir: string, target = 'trl'): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeParquetFile(join(dir, 'train.parquet'), TRL_SCHEMA, [row(0), row(1), row(2)]);
  await writeParquetFile(join(dir, 'validation.parquet'), TRL_SCHEMA, [row(3)]);
  writeFileSync(
    join(dir, 'dataset_info.json'),
    JSON.stringify({
      format: 'vlm-sft-studio.parquet',
      version: 1,
      target,
      files: { train: { file: 'train.parquet', rows: 3 }, validation: { file: 'validation.parquet', rows: 1 } },
    }),
  );
}

async function project() {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  const root = tempDir();
  studio.createProject(join(root, 'project'), 'export');
  const { runner, project } = studio.requireProject();
  runner.register(trainExportJob);
  return { studio, runner, project, root };
}

async function importDataset(p: Awaited<ReturnType<typeof project>>, dir: string): Promise<string> {
  const run = p.runner.start('artifact.import', { path: dir, kind: 'dataset-parquet', mode: 'reference', name: 'sokoban-trl' });
  await p.runner.idle();
  return p.project.store.runOutputs(run.id)[0]!.id;
}

describe('export training job', () => {
  it('writes a DeepSpeed ZeRO-3 QLoRA project for 2 × 8 GPUs whose files compile and whose launch.sh calls accelerate right', async () => {
    const p = await project();
    const dsDir = join(p.root, 'dataset');
    await datasetFolder(dsDir);
    const datasetId = await importDataset(p, dsDir);
    const dest = join(p.root, 'cluster-job');
    const run = p.runner.start('train.export', {
      datasetArtifactId: datasetId,
      baseModel: 'Qwen/Qwen3-VL-4B-Instruct',
      dest,
      strategy: 'deepspeed-zero3',
      gpus: 8,
      nodes: 2,
      train: { lora: { r: 16, alpha: 32, dropout: 0.05, rslora: false, targets: ['q_proj', 'v_proj'] }, quant: 'nf4-dq', lr: 1e-4, maxSteps: 500, gradAccum: 4 },
    });
    await p.runner.idle();
    expect(p.runner.summary(run.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    expect(p.project.store.runOutputs(run.id)[0]).toMatchObject({ kind: 'file', path: dest, in_project: 0 });
    expect(p.project.store.runInputs(run.id).map((a) => a.id)).toEqual([datasetId]);
    expect(readdirSync(dest).sort()).toEqual([
      'README.md',
      'accelerate_config.yaml',
      'data',
      'ds_config.json',
      'launch.sh',
      'requirements.txt',
      'train_config.json',
      'train_sft.py',
    ]);
    expect(readdirSync(join(dest, 'data')).sort()).toEqual(['dataset_info.json', 'train.parquet', 'validation.parquet']);
    // Hard links: the Parquet is not duplicated on the same disk.
    expect(statSync(join(dest, 'data', 'train.parquet')).ino).toBe(statSync(join(dsDir, 'train.parquet')).ino);
    expect((await readParquet(join(dest, 'data', 'train.parquet'))).numRows).toBe(3);

    const py = spawnSync('python3', ['-m', 'py_compile', join(dest, 'train_sft.py')], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    const script = readFileSync(join(dest, 'train_sft.py'), 'utf8');
    for (const s of [
      'from trl import SFTTrainer',
      'from peft import LoraConfig',
      'BitsAndBytesConfig(',
      'bnb_4bit_quant_type="nf4"',
      'bnb_4bit_use_double_quant=bool(cfg.get("double_quant"',
      'AutoModelForImageTextToText',
      '"skip_prepare_dataset": True',
    ])
      expect(script).toContain(s);

    const cfg = JSON.parse(readFileSync(join(dest, 'train_config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      base_model: 'Qwen/Qwen3-VL-4B-Instruct',
      train_file: 'data/train.parquet',
      validation_file: 'data/validation.parquet',
      qlora: true,
      double_quant: true,
      strategy: 'deepspeed-zero3',
      lora: { r: 16, alpha: 32, dropout: 0.05, target_modules: ['q_proj', 'v_proj'] },
      learning_rate: 1e-4,
      max_steps: 500,
      grad_accum: 4,
      per_device_batch_size: 2,
      loss_on: 'assistant',
    });

    const yaml = readFileSync(join(dest, 'accelerate_config.yaml'), 'utf8');
    for (const line of [
      'distributed_type: DEEPSPEED',
      '  deepspeed_config_file: ds_config.json',
      '  zero3_init_flag: true',
      'num_machines: 2',
      'num_processes: 16',
      'main_training_function: main',
    ])
      expect(yaml.split('\n')).toContain(line);
    // accelerate refuses mixed_precision beside a DeepSpeed config file.
    expect(yaml).not.toMatch(/^mixed_precision/m);
    const ds = JSON.parse(readFileSync(join(dest, 'ds_config.json'), 'utf8'));
    expect(ds.zero_optimization).toMatchObject({ stage: 3, stage3_gather_16bit_weights_on_model_save: true });
    expect(ds).toMatchObject({ train_micro_batch_size_per_gpu: 'auto', gradient_accumulation_steps: 'auto', bf16: { enabled: 'auto' } });

    const req = readFileSync(join(dest, 'requirements.txt'), 'utf8');
    for (const pkg of ['trl', 'peft', 'accelerate', 'deepspeed', 'bitsandbytes', 'transformers']) expect(req).toMatch(new RegExp(`^${pkg}>=`, 'm'));
    const readme = readFileSync(join(dest, 'README.md'), 'utf8');
    expect(readme).toContain('MACHINE_RANK=<0…1> MAIN_PROCESS_IP=<address of rank 0> bash launch.sh');
    expect(readme).toContain('srun --nodes=2');

    // launch.sh: valid bash; refuses 2 machines without a rank-0 address; passes the topology to accelerate.
    const launch = join(dest, 'launch.sh');
    expect(spawnSync('bash', ['-n', launch]).status).toBe(0);
    const bin = join(p.root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'accelerate'), '#!/usr/bin/env bash\nprintf "%s\\n" "$PWD" "$@"\n', { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const refused = spawnSync('bash', [launch], { env, encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('needs MAIN_PROCESS_IP');
    const ok = spawnSync('bash', [launch, '--max_steps', '3'], { env: { ...env, MAIN_PROCESS_IP: '10.0.0.1', MACHINE_RANK: '1' }, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split('\n')).toEqual([
      dest,
      'launch',
      '--config_file',
      'accelerate_config.yaml',
      '--num_machines',
      '2',
      '--num_processes',
      '16',
      '--machine_rank',
      '1',
      '--main_process_ip',
      '10.0.0.1',
      '--main_process_port',
      '29500',
      'train_sft.py',
      '--config',
      'train_config.json',
      '--max_steps',
      '3',
    ]);
    await p.studio.dispose();
  });

  it('writes an FSDP LoRA project inside the project, and names the file when the dataset is not a TRL conversion', async () => {
    const p = await project();
    const dsDir = join(p.root, 'dataset');
    await datasetFolder(dsDir);
    const datasetId = await importDataset(p, dsDir);
    const run = p.runner.start('train.export', {
      datasetArtifactId: datasetId,
      baseModel: join(p.root, 'base'),
      strategy: 'fsdp',
      gpus: 4,
      nodes: 1,
      train: { quant: 'none', dtype: 'bfloat16' },
      dataMode: 'copy',
    });
    await p.runner.idle();
    expect(p.runner.summary(run.id).status).toBe('succeeded');
    const out = p.project.store.runOutputs(run.id)[0]!;
    expect(out.path).toMatch(/^artifacts\/files\/sokoban-trl-sft-fsdp-[0-9a-f]{8}$/);
    const dir = join(p.project.dir, out.path);
    expect(readdirSync(dir)).not.toContain('ds_config.json');
    const yaml = readFileSync(join(dir, 'accelerate_config.yaml'), 'utf8').split('\n');
    for (const line of [
      'distributed_type: FSDP',
      'mixed_precision: bf16',
      '  fsdp_sharding_strategy: FULL_SHARD',
      '  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP',
      'num_machines: 1',
      'num_processes: 4',
    ])
      expect(yaml).toContain(line);
    const req = readFileSync(join(dir, 'requirements.txt'), 'utf8');
    expect(req).not.toMatch(/deepspeed|bitsandbytes/);
    expect(JSON.parse(readFileSync(join(dir, 'train_config.json'), 'utf8'))).toMatchObject({
      base_model: join(p.root, 'base'),
      qlora: false,
      lora: { r: 32, alpha: 32, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
    });
    expect(statSync(join(dir, 'data', 'train.parquet')).ino).not.toBe(statSync(join(dsDir, 'train.parquet')).ino);
    expect(spawnSync('bash', ['-n', join(dir, 'launch.sh')]).status).toBe(0);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`The base model is the folder \`${join(p.root, 'base')}\``);

    const verlDir = join(p.root, 'verl-dataset');
    await datasetFolder(verlDir, 'verl');
    const verlId = await importDataset(p, verlDir);
    const bad = p.runner.start('train.export', { datasetArtifactId: verlId, baseModel: 'Qwen/Qwen3-VL-4B-Instruct' });
    await p.runner.idle();
    expect(p.runner.summary(bad.id).error).toBe(
      `${join(verlDir, 'dataset_info.json')}: the dataset was converted for 'verl'; the training export needs the 'trl' target (messages + images)`,
    );
    await p.studio.dispose();
  });
});
