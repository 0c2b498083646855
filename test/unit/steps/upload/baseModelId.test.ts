// base_model_name_or_path and the cards name the base by its Hub id, never by a local folder:
// the id from the Hugging Face cache layout (kept through a copying import) or from the user;
// the Upload job rewrites a local path in adapter_config.json to that id or refuses before any
// request, names the file and field of any other local path, and the merge card's base_model is
// the Hub id (absent when unknown) with no path of this machine in it.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../../main/core/db/database';
import { migrations } from '../../../../main/core/db/migrations';
import { migration003 } from '../../../../main/core/db/migrations/003_uploads';
import { registerArtifact, toArtifact } from '../../../../main/core/lineage/artifacts';
import { baseModelOf, hubIdFromCachePath } from '../../../../main/core/lineage/hubId';
import { Studio } from '../../../../main/core/studio';
import { mergeModel } from '../../../../main/core/steps/merge/mergeModel';
import { isLocalPathValue } from '../../../../main/core/steps/upload/localPaths';
import { EnvTokenStore } from '../../../../main/core/steps/upload/tokenStore';
import { makeUploadJob } from '../../../../main/core/steps/upload/uploadJob';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { startFakeHub } from '../../../helpers/fakeHub';
import { tempDir } from '../../../helpers/tmp';

const TOKEN = 'hf_StudioTestToken0123456789abcdefXYZ';
const SHA = 'a'.repeat(40);

describe('Hub ids of base models', () => {
  it('reads Org/Name from a Hugging Face cache snapshot folder, and nothing else', () => {
    expect(hubIdFromCachePath(`/home/u/.cache/huggingface/hub/models--Qwen--Qwen3-VL-4B-Instruct/snapshots/${SHA}`)).toBe('Qwen/Qwen3-VL-4B-Instruct');
    expect(hubIdFromCachePath(`/data/hf/hub/models--gpt2/snapshots/${SHA}/`)).toBe('gpt2');
    expect(hubIdFromCachePath('/home/u/models/Qwen3-VL-4B-Instruct')).toBeNull();
    expect(hubIdFromCachePath('/home/u/models--Qwen--Qwen3-VL-4B-Instruct')).toBeNull(); // no snapshots/<sha>
    expect(['/home/u/m', '~/m', './m', '../m', 'C:\\models\\m', '\\\\srv\\m', 'file:///m'].every(isLocalPathValue)).toBe(true);
    expect(['Qwen/Qwen3-VL-4B-Instruct', 'gpt2', '<|im_start|>', '/'].some(isLocalPathValue)).toBe(false);
  });

  it('upload: a local base path is refused before any request, then rewritten to the id the user gives; the id is kept on the base; no local path reaches the hub', async () => {
    const hub = await startFakeHub({ token: TOKEN });
    const env = { HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url } as NodeJS.ProcessEnv;
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    const root = tempDir();
    studio.createProject(join(root, 'project'), 'hub-ids');
    const { runner, project } = studio.requireProject();
    applyMigrations(project.db, [...migrations.filter((m) => m.version < 3), migration003]);
    runner.register(makeUploadJob(new EnvTokenStore(env), { backoffMs: 5 }));
    try {
      // A base from a plain folder, and an adapter trained on it that recorded that folder.
      const baseDir = join(root, 'models', 'my-base');
      const specs = makeQwen3VLCheckpoint(baseDir, { shards: 1 });
      const adapterDir = join(root, 'adapter');
      makeLoraAdapter(adapterDir, specs, { r: 8 });
      const cfgFile = join(adapterDir, 'adapter_config.json');
      writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(readFileSync(cfgFile, 'utf8')), base_model_name_or_path: baseDir }, null, 2));
      const localCfg = readFileSync(cfgFile, 'utf8');
      const base = await registerArtifact(project, { path: baseDir, kind: 'base-model', name: 'my-base' }, null);
      const train = randomUUID();
      project.store.insertRun({ id: train, kind: 'train.run', step: 'train', title: 'Train LoRA', config_json: '{}', created_at: new Date().toISOString() });
      project.store.addRunInput(train, base.id, 'base');
      const adapter = await registerArtifact(project, { path: adapterDir, kind: 'adapter', name: 'my-lora' }, train);
      expect(baseModelOf(project, adapter)).toMatchObject({ base: { id: base.id }, hubId: null, source: null });

      const refused = runner.start('upload.run', { artifactId: adapter.id, repo: 'my-lora' });
      await runner.idle();
      expect(runner.summary(refused.id).status).toBe('failed');
      expect(runner.summary(refused.id).error).toContain(`adapter_config.json: base_model_name_or_path is the local folder ${baseDir}`);
      expect(hub.requests).toEqual([]);

      const ok = runner.start('upload.run', { artifactId: adapter.id, repo: 'my-lora', baseModelId: 'SomeOrg/some-base' });
      await runner.idle();
      expect(runner.summary(ok.id).status).toBe('succeeded');
      const repo = hub.repos.get('tester/my-lora')!;
      expect(JSON.parse(repo.files.get('adapter_config.json')!.toString('utf8')).base_model_name_or_path).toBe('SomeOrg/some-base');
      expect(readFileSync(cfgFile, 'utf8')).toBe(localCfg); // the local file is unchanged
      expect(repo.files.get('README.md')!.toString('utf8')).toContain('base_model: "SomeOrg/some-base"');
      for (const [name, bytes] of repo.files) expect(bytes.includes(root), name).toBe(false);
      expect(toArtifact(project, project.store.getArtifact(base.id)!).meta).toMatchObject({ hubId: 'SomeOrg/some-base', hubIdSource: 'user' });
      expect(baseModelOf(project, adapter)).toMatchObject({ hubId: 'SomeOrg/some-base', source: 'user' });

      // Any other local path in what would be uploaded stops the upload, naming the file and field.
      writeFileSync(join(adapterDir, 'training_args.json'), JSON.stringify({ lr: 1e-4, logging: { dir: '/home/someone/runs/x' } }));
      const leak = runner.start('upload.run', { artifactId: adapter.id, repo: 'my-lora' });
      await runner.idle();
      expect(runner.summary(leak.id).error).toContain('training_args.json: logging.dir is a local path (/home/someone/runs/x)');
      expect(repo.commits).toHaveLength(1);
    } finally {
      await studio.dispose();
      await hub.close();
    }
  });

  it('import: a copied base from the cache keeps its Hub id; merge card: base_model is the id, or absent, and no local path', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    const root = tempDir();
    studio.createProject(join(root, 'project'), 'imports');
    const { runner, project } = studio.requireProject();
    try {
      const snapshot = join(root, 'hf', 'hub', 'models--TinyOrg--tiny-vl', 'snapshots', SHA);
      const specs = makeQwen3VLCheckpoint(snapshot, { shards: 1 });
      // A config as transformers 4.x saved it after loading from a local folder.
      const cfgFile = join(snapshot, 'config.json');
      writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(readFileSync(cfgFile, 'utf8')), _name_or_path: join(root, 'old-local-copy') }));
      runner.start('artifact.import', { path: snapshot, kind: 'base-model', mode: 'copy' });
      const plain = join(root, 'models', 'plain-base');
      makeQwen3VLCheckpoint(plain, { shards: 1 });
      runner.start('artifact.import', { path: plain, kind: 'base-model', mode: 'reference' });
      await runner.idle();
      const bases = project.store.listArtifacts(['base-model']).map((r) => toArtifact(project, r));
      const cached = bases.find((b) => b.meta.importedFrom === snapshot)!;
      expect(cached.path.startsWith(project.dir)).toBe(true);
      expect(cached).toMatchObject({ name: 'tiny-vl', meta: { hubId: 'TinyOrg/tiny-vl', hubIdSource: 'hf-cache' } });
      expect(baseModelOf(project, cached)).toMatchObject({ hubId: 'TinyOrg/tiny-vl', source: 'hf-cache' });
      expect(
        baseModelOf(
          project,
          bases.find((b) => b.meta.importedFrom === plain)!,
        ).hubId,
      ).toBeNull();

      const adapterDir = join(root, 'adapter');
      makeLoraAdapter(adapterDir, specs, { r: 8 });
      const acfg = join(adapterDir, 'adapter_config.json');
      writeFileSync(acfg, JSON.stringify({ ...JSON.parse(readFileSync(acfg, 'utf8')), base_model_name_or_path: snapshot }));
      mkdirSync(join(root, 'out'));
      await mergeModel({ baseDir: snapshot, adapterDir, outDir: join(root, 'out', 'merged'), outDtype: 'bf16' });
      const card = readFileSync(join(root, 'out', 'merged', 'README.md'), 'utf8');
      expect(card.startsWith('---\nbase_model: "TinyOrg/tiny-vl"\nlibrary_name: transformers\n')).toBe(true);
      expect(card).not.toContain(root);
      expect(readFileSync(join(root, 'out', 'merged', 'config.json'), 'utf8')).not.toContain(root);
      await mergeModel({ baseDir: plain, adapterDir, outDir: join(root, 'out', 'merged-plain'), outDtype: 'bf16' });
      const plainCard = readFileSync(join(root, 'out', 'merged-plain', 'README.md'), 'utf8');
      expect(plainCard).not.toContain('base_model:');
      expect(plainCard).toContain('the local model folder `plain-base` (its Hub id is not known)');
      expect(plainCard).not.toContain(root);
    } finally {
      await studio.dispose();
    }
  });
});
