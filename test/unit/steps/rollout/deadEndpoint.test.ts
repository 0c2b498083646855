// A rollout's final state is the truth (issue 23, item 3): against an endpoint where nothing
// listens it fails with the reason on its card and registers nothing; trajectories that failed
// are never part of the output; "Test connection" says what is wrong before a rollout starts.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Studio } from '../../../../main/core/studio';
import { TrajectoryStore } from '../../../../main/core/db/trajectories';
import { startChatServer } from '../../../helpers/chatServer';
import { tempDir } from '../../../helpers/tmp';

const DEAD = 'http://127.0.0.1:9/v1'; // the discard port: nothing answers there
const policy = (baseUrl: string) => ({ type: 'openai' as const, baseUrl, model: 'qwen', retries: 0, timeoutMs: 2000, temperature: 0 });

function setup() {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  studio.createProject(join(tempDir(), 'p'), 'rollouts');
  const { runner, project } = studio.requireProject();
  return { studio, runner, project, store: new TrajectoryStore(project.db) };
}

describe('dead endpoints', () => {
  it('a rollout where every request failed ends failed with the reason, registering no trajectories', async () => {
    const { studio, runner, project } = setup();
    const run = runner.start('rollout.run', { game: 'sokoban', tasks: 2, samplesPerTask: 1, concurrency: 2, policy: policy(DEAD) });
    await runner.idle();
    const s = runner.summary(run.id);
    expect(s.status).toBe('failed');
    expect(s.error).toMatch(/^all 2 trajectories failed: cannot reach http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions/);
    expect(project.store.runOutputs(run.id)).toEqual([]);
    expect(project.store.listArtifacts(['trajectories'])).toEqual([]);
    await studio.dispose();
  });

  it('trajectories that failed are left out of the output and counted on the card', async () => {
    const server = await startChatServer((_req, n) => (n === 1 ? { status: 400 } : { text: '<think>go</think>\n<action>up</action>' }));
    try {
      const { studio, runner, project, store } = setup();
      const run = runner.start('rollout.run', { game: 'sokoban', tasks: 3, samplesPerTask: 1, concurrency: 1, settings: { maxTurns: 2 }, policy: policy(server.url) });
      await runner.idle();
      const s = runner.summary(run.id);
      expect(s.status).toBe('succeeded');
      expect(s.progressMessage).toMatch(/^2\/3 trajectories, 1 failed: .*HTTP 400/);
      expect(
        store
          .byRollout(run.id)
          .map((r) => r.status)
          .sort(),
      ).toEqual(['complete', 'complete', 'error']);
      const out = project.store.runOutputs(run.id)[0]!;
      const lines = readFileSync(join(project.dir, out.path, 'trajectories.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(['complete', 'complete']);
      expect(JSON.parse(out.meta_json)).toMatchObject({ trajectories: 2, errors: 1 });
      await studio.dispose();
    } finally {
      await server.close();
    }
  });

  it('"Test connection" names what is wrong: nothing listening, a model not served, a refused key; and says when it works', async () => {
    const { studio } = setup();
    const test = (p: Record<string, unknown>) =>
      studio.api.handle('rollout.testEndpoint', { model: 'qwen', timeoutMs: 2000, ...p } as never) as Promise<{ ok: boolean; message: string; models: string[] }>;
    expect(await test({ baseUrl: DEAD })).toMatchObject({ ok: false, message: expect.stringMatching(/^cannot reach http:\/\/127\.0\.0\.1:9\/v1: /) });
    const chat = await startChatServer(() => ({ text: 'OK' }));
    // A vLLM-like server that lists its models.
    const lister = createServer((req, res) => {
      if (req.headers.authorization !== 'Bearer good') return void res.writeHead(401).end('{}');
      if (req.url === '/v1/models') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'other-model' }] }));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => lister.listen(0, '127.0.0.1', r));
    const listerUrl = `http://127.0.0.1:${(lister.address() as AddressInfo).port}/v1`;
    try {
      expect(await test({ baseUrl: listerUrl, apiKey: 'bad' })).toMatchObject({ ok: false, message: expect.stringContaining('HTTP 401: the API key is missing or not accepted') });
      expect(await test({ baseUrl: listerUrl, apiKey: 'good' })).toMatchObject({ ok: false, message: `${listerUrl} serves 'other-model', not 'qwen'`, models: ['other-model'] });
      const good = await test({ baseUrl: chat.url });
      expect(good).toMatchObject({ ok: true, message: expect.stringMatching(/^'qwen' at .* answered in \d+ ms$/) });
      expect(chat.requests).toHaveLength(1);
      expect(chat.requests[0]!.body.max_tokens).toBe(1);
    } finally {
      await chat.close();
      await new Promise((r) => lister.close(r));
      await studio.dispose();
    }
  });
});
