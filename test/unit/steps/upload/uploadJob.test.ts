// The upload job through the real runner against a fake Hub on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../preload/contract';
import { applyMigrations } from '../../../../main/core/db/database';
import { migrations } from '../../../../main/core/db/migrations';
import { migration003 } from '../../../../main/core/db/migrations/003_uploads';
import { Studio } from '../../../../main/core/studio';
import { makeUploadJob } from '../../../../main/core/steps/upload/uploadJob';
import { EnvTokenStore, type TokenStore } from '../../../../main/core/steps/upload/tokenStore';
import { hashPath } from '../../../../main/core/util/hash';
import { makeLoraAdapter, qwen3vlTensors, TINY } from '../../../helpers/checkpoints';
import { startFakeHub, type FakeHub, type FakeHubOptions } from '../../../helpers/fakeHub';
import { tempDir } from '../../../helpers/tmp';

const TOKEN = 'hf_StudioTestToken0123456789abcdefXYZ';
const BIG_FILE = 'training_args.bin';
const BIG_SIZE = 2_600_000;

async function uploadHarness(store: TokenStore, hubOptions: Partial<FakeHubOptions> = {}) {
  const hub = await startFakeHub({ token: TOKEN, lfsThreshold: 1024 * 1024, multipartThreshold: 1024 * 1024, partSize: 1024 * 1024, ...hubOptions });
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  const root = tempDir();
  studio.createProject(join(root, 'project'), 'upload');
  const adapterDir = join(root, 'adapter');
  makeLoraAdapter(adapterDir, qwen3vlTensors(TINY, true), { r: 8, alpha: 16 });
  // Big enough for the multipart LFS path (3 parts of 1 MiB).
  writeFileSync(join(adapterDir, BIG_FILE), randomBytes(BIG_SIZE));
  writeFileSync(join(adapterDir, 'README.md'), '# a local card the upload replaces\n');
  const { runner, project } = studio.requireProject();
  // The uploads table arrives with migration 3; applying it here is a no-op once the list holds it.
  applyMigrations(project.db, [...migrations.filter((m) => m.version < 3), migration003]);
  runner.register(makeUploadJob(store, { backoffMs: 5 }));
  runner.start('artifact.import', { path: adapterDir, kind: 'adapter', mode: 'reference', name: 'sokoban-lora' });
  await runner.idle();
  const adapter = project.store.listArtifacts(['adapter'])[0]!;
  const updates: RunSummary[] = [];
  studio.events.subscribe((event, payload) => {
    if (event === 'run.updated') updates.push(payload as RunSummary);
  });
  const dbBytes = (): Buffer => {
    const parts = [join(project.dir, 'studio.db'), join(project.dir, 'studio.db-wal')];
    return Buffer.concat(parts.map((p) => (existsSync(p) ? readFileSync(p) : Buffer.alloc(0))));
  };
  const dispose = async (): Promise<void> => {
    await studio.dispose();
    await hub.close();
  };
  return { hub: hub as FakeHub, studio, runner, project, adapter, adapterDir, root, updates, dbBytes, dispose };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const until = async (cond: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('upload job', () => {
  it('creates a private repo and commits the adapter with a model card; LFS objects verified by sha256; progress in bytes; commit URL recorded', async () => {
    const env = { HF_TOKEN: TOKEN } as NodeJS.ProcessEnv;
    const h = await uploadHarness(new EnvTokenStore(env), { storageDelayMs: 250 });
    env.HF_ENDPOINT = h.hub.url;
    try {
      const run = h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'sokoban-lora' });
      await h.runner.idle();
      expect(h.runner.summary(run.id)).toMatchObject({ status: 'succeeded', progress: 1 });
      expect(h.hub.problems).toEqual([]);

      const repo = h.hub.repos.get('tester/sokoban-lora')!;
      expect(repo.private).toBe(true);
      expect(repo.commits).toHaveLength(1);
      const local = (f: string): Buffer => readFileSync(join(h.adapterDir, f));
      for (const f of ['adapter_model.safetensors', 'adapter_config.json', BIG_FILE]) expect(sha(repo.files.get(f)!)).toBe(sha(local(f)));
      // The safetensors and the big file went through LFS (the big one in 3 parts); the JSON inline.
      expect(repo.commits[0]!.lfsFiles.sort()).toEqual(['adapter_model.safetensors', BIG_FILE]);
      expect(repo.commits[0]!.files).toContain('adapter_config.json');
      expect(h.hub.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/storage/part/'))).toHaveLength(3);
      // Storage PUTs carry their length (S3 refuses chunked bodies) and no token.
      for (const r of h.hub.requests.filter((x) => x.path.startsWith('/storage/'))) {
        expect(r.authorization).toBeNull();
        if (r.method === 'PUT') expect(r.transferEncoding).toBeNull();
      }
      for (const r of h.hub.requests.filter((x) => x.path.startsWith('/api/'))) expect(r.authorization).toBe(`Bearer ${TOKEN}`);

      const card = repo.files.get('README.md')!.toString('utf8');
      expect(card).toContain('library_name: peft');
      expect(card).toContain('base_model: "tiny/qwen3-vl"');
      expect(card).toMatch(/\| r \| 8 \|/);
      expect(card).toMatch(/\| lora_alpha \| 16 \|/);
      expect(card).toContain('PeftModel.from_pretrained(base, "tester/sokoban-lora")');
      expect(card).toContain('vllm serve tiny/qwen3-vl --enable-lora --max-lora-rank 8');
      expect(card).toContain(`set \`HF_ENDPOINT=${h.hub.url}\``);

      // Progress counted bytes: rising, never past the total, ending at it.
      const mine = h.updates.filter((u) => u.id === run.id && u.progressMessage?.includes(' of '));
      expect(mine.length).toBeGreaterThan(1);
      const total = mine[mine.length - 1]!.progressMessage!.split(' of ')[1];
      expect(mine[mine.length - 1]!.progressMessage).toBe(`${total} of ${total}`);
      expect(mine.some((u) => u.progress > 0 && u.progress < 1)).toBe(true);

      const uploads = h.project.uploads.list(h.adapter.id);
      expect(uploads).toHaveLength(1);
      expect(uploads[0]).toMatchObject({
        repo: 'tester/sokoban-lora',
        endpoint: h.hub.url,
        private: true,
        commitOid: repo.commits[0]!.oid,
        commitUrl: `${h.hub.url}/tester/sokoban-lora/commit/${repo.commits[0]!.oid}`,
      });
      const metrics = h.project.store.listMetrics(run.id);
      expect(metrics.find((m) => m.name === 'bytes_uploaded')!.value).toBeGreaterThan(BIG_SIZE);

      // The token is nowhere in the project: not in the database (WAL included), not in the logs, not in the stored config.
      expect(h.dbBytes().includes(Buffer.from(TOKEN))).toBe(false);
      expect(h.project.store.listLogs(run.id).some((l) => l.message.includes(TOKEN))).toBe(false);
      expect(h.project.store.getRun(run.id)!.config_json).not.toContain('hf_');

      // A second upload to the same repo reuses it and skips LFS objects already there.
      const again = h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'tester/sokoban-lora', commitMessage: 'second' });
      await h.runner.idle();
      expect(h.runner.summary(again.id).status).toBe('succeeded');
      expect(repo.commits.map((c) => c.summary)).toEqual([expect.stringContaining('sokoban-lora'), 'second']);
      expect(h.hub.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/storage/part/'))).toHaveLength(3);
      expect(h.project.store.listLogs(again.id).some((l) => l.message.includes('exists'))).toBe(true);
    } finally {
      await h.dispose();
    }
  });

  it('retries a part the storage failed once, and the upload still succeeds', async () => {
    const env = { HF_TOKEN: TOKEN } as NodeJS.ProcessEnv;
    const h = await uploadHarness(new EnvTokenStore(env));
    env.HF_ENDPOINT = h.hub.url;
    h.hub.faults.push({ on: 'part', part: 2, status: 500, times: 1 });
    try {
      const run = h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'retry-me' });
      await h.runner.idle();
      expect(h.runner.summary(run.id)).toMatchObject({ status: 'succeeded' });
      const part2 = h.hub.requests.filter((r) => r.path.endsWith('/2') && r.path.startsWith('/storage/part/'));
      expect(part2.map((r) => r.status)).toEqual([500, 200]);
      expect(h.project.store.listLogs(run.id).some((l) => l.level === 'warn' && /part 2 failed \(HTTP 500\); retry 1/.test(l.message))).toBe(true);
      expect(sha(h.hub.repos.get('tester/retry-me')!.files.get(BIG_FILE)!)).toBe(sha(readFileSync(join(h.adapterDir, BIG_FILE))));
      expect(h.hub.problems).toEqual([]);
    } finally {
      await h.dispose();
    }
  });

  it('cancel stops the upload mid-file: the run is cancelled, nothing is committed or recorded', async () => {
    const env = { HF_TOKEN: TOKEN } as NodeJS.ProcessEnv;
    const h = await uploadHarness(new EnvTokenStore(env));
    env.HF_ENDPOINT = h.hub.url;
    h.hub.hold();
    try {
      const run = h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'cancel-me' });
      await until(() => h.hub.requests.some((r) => r.path.startsWith('/storage/part/')));
      h.runner.cancel(run.id);
      await h.runner.idle();
      expect(h.runner.summary(run.id).status).toBe('cancelled');
      expect(h.hub.repos.get('tester/cancel-me')!.commits).toEqual([]);
      expect(h.hub.requests.some((r) => r.path.includes('/commit/'))).toBe(false);
      expect(h.project.uploads.list()).toEqual([]);
    } finally {
      await h.dispose();
    }
  });

  it('an unreachable endpoint fails with "cannot reach the Hub at …" and changes nothing local', async () => {
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const env = { HF_TOKEN: TOKEN, HF_ENDPOINT: endpoint } as NodeJS.ProcessEnv;
    const h = await uploadHarness(new EnvTokenStore(env));
    try {
      const before = await hashPath(h.adapterDir);
      const artifactsBefore = h.project.store.listArtifacts().length;
      const run = h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'offline' });
      await h.runner.idle();
      const s = h.runner.summary(run.id);
      expect(s.status).toBe('failed');
      expect(s.error).toContain(`cannot reach the Hub at ${endpoint}`);
      expect(await hashPath(h.adapterDir)).toEqual(before);
      expect(h.project.store.listArtifacts()).toHaveLength(artifactsBefore);
      expect(h.project.uploads.list()).toEqual([]);
      expect(env.HF_TOKEN).toBe(TOKEN);
    } finally {
      await h.dispose();
    }
  });

  it('refuses to send the token to another endpoint than the one it was signed in to, and asks to sign in when there is no token', async () => {
    const env = { HF_TOKEN: TOKEN } as NodeJS.ProcessEnv;
    const h = await uploadHarness(new EnvTokenStore(env));
    env.HF_ENDPOINT = h.hub.url;
    try {
      const other = h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'x', endpoint: 'http://127.0.0.1:9' });
      await h.runner.idle();
      expect(h.runner.summary(other.id).error).toContain(`you are signed in to ${h.hub.url}, not http://127.0.0.1:9`);
      delete env.HF_TOKEN;
      const none = h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'x' });
      await h.runner.idle();
      expect(h.runner.summary(none.id).error).toContain('sign in to the Hugging Face Hub first');
      expect(h.hub.requests).toEqual([]);
      expect(() => h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'a/b/c' })).toThrow(/repo: repo must be "name" or "namespace\/name"/);
      expect(() => h.runner.start('upload.run', { artifactId: h.adapter.id, repo: 'x', endpoint: 'https://me:secret@hub.example' })).toThrow(
        /endpoint: endpoint must not carry a user name or password/,
      );
    } finally {
      await h.dispose();
    }
  });
});
