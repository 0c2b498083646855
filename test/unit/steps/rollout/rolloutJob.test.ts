// The rollout job end to end in the core: real games, the real runner, a real
// HTTP endpoint on 127.0.0.1 for the model policy.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Studio } from '../../../../main/core/studio';
import { TrajectoryStore } from '../../../../main/core/db/trajectories';
import { startChatServer } from '../../../helpers/chatServer';
import { tempDir } from '../../../helpers/tmp';

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

function setup() {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  studio.createProject(join(tempDir(), 'p'), 'rollouts');
  const { runner, project } = studio.requireProject();
  return { studio, runner, project, store: new TrajectoryStore(project.db) };
}

describe('rollout job', () => {
  it('the Sokoban expert wins every level, and every turn is recorded with its frame', async () => {
    const { studio, runner, project, store } = setup();
    const run = runner.start('rollout.run', { game: 'sokoban', tasks: 12, samplesPerTask: 2, seed: 100, concurrency: 3 });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    const rows = store.byRollout(run.id);
    expect(rows).toHaveLength(24);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'complete', success: 1, invalid_actions: 0 });
      expect(r.length).toBeGreaterThan(0);
      expect(r.length).toBeLessThanOrEqual(15);
      expect(r.format_valid_turns).toBe(r.length);
      const turns = store.turns(r.id);
      expect(turns.at(-1)).toMatchObject({ done: 1, won: 1 });
      expect(r.total_return).toBeCloseTo(
        turns.reduce((s, t) => s + t.reward, 0),
        6,
      );
      const f = store.frame(turns[0]!.frame_id!)!;
      expect([f.width, f.height]).toEqual([256, 256]);
      expect(turns[0]!.prompt).toContain('<image>');
      expect(turns[0]!.reply).toMatch(/^<think>[\s\S]+<\/think>\s*<action>\s*(up|down|left|right)\s*<\/action>$/i);
    }
    // Samples of one task play the same level (same seed).
    expect(rows.filter((r) => r.task_index === 3).map((r) => r.seed)).toEqual([103, 103]);
    const out = project.store.runOutputs(run.id)[0]!;
    expect(out.kind).toBe('trajectories');
    const lines = readFileSync(join(project.dir, out.path, 'trajectories.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(24);
    const first = JSON.parse(lines[0]!);
    expect(first.turns[0].image.format).toBe('png_base64');
    expect(Buffer.from(first.turns[0].image.data, 'base64').subarray(1, 4).toString()).toBe('PNG');
    await studio.dispose();
  });

  it('plays with a model behind an OpenAI-compatible endpoint: strict parsing, invalid turns flagged, no-ops cost −0.1', async () => {
    const replies = [
      '<think>the box is right of me</think>\n<action>right</action>', // valid
      'I will go <action>left</action> because', // action tag but bad format: runs, flagged invalid
      'no idea', // no action at all: no-op
    ];
    const s = await startChatServer((_r, n) => ({ text: replies[(n - 1) % replies.length] }));
    close = s.close;
    const { studio, runner, store } = setup();
    const run = runner.start('rollout.run', {
      game: 'sokoban',
      tasks: 1,
      samplesPerTask: 1,
      seed: 5,
      concurrency: 1,
      policy: { type: 'openai', baseUrl: s.url, model: 'qwen3-vl-4b', apiKey: 'sk-secret', maxTokens: 500 },
    });
    await runner.idle();
    expect(runner.summary(run.id).status).toBe('succeeded');
    const [t] = store.byRollout(run.id);
    const turns = store.turns(t!.id);
    expect(turns.length).toBe(15); // never solved by this script: the turn limit ends it
    expect(turns[0]).toMatchObject({ action_valid: 1, format_valid: 1, action: 'right' });
    expect(turns[1]).toMatchObject({ action_valid: 0, format_valid: 0, action: 'left' });
    expect(turns[2]).toMatchObject({ action_valid: 0, format_valid: 0, action: null, reward: -0.1, effective: 0 });
    expect(turns[0]!.prompt_tokens).toBe(100);
    expect(s.requests[0]!.body).toMatchObject({ model: 'qwen3-vl-4b', temperature: 0.4, top_p: 1, max_tokens: 500 });
    // The key went to the endpoint but was not stored.
    expect(s.requests[0]!.headers.authorization).toBe('Bearer sk-secret');
    const cfg = studio.requireProject().project.store.getRun(run.id)!.config_json;
    expect(cfg).not.toContain('sk-secret');
    await studio.dispose();
  });

  it('an endpoint that is down fails the job with the reason', async () => {
    const { studio, runner } = setup();
    const run = runner.start('rollout.run', { tasks: 5, concurrency: 1, policy: { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', retries: 0 } });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'failed' });
    expect(runner.summary(run.id).error).toMatch(/the first 3 trajectories failed: cannot reach http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions/);
    await studio.dispose();
  });

  it('a cancelled rollout resumes where it stopped, keeping what was done', async () => {
    const s = await startChatServer(() => ({ text: 'thinking… (no action: a no-op, so every episode lasts 15 turns)', delayMs: 5 }));
    close = s.close;
    const { studio, runner, store } = setup();
    const policy = { type: 'openai' as const, baseUrl: s.url, model: 'm' };
    const first = runner.start('rollout.run', { tasks: 6, samplesPerTask: 1, concurrency: 1, policy });
    const until = Date.now() + 20_000;
    while (store.doneKeys(first.id).size < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    runner.cancel(first.id);
    await runner.idle();
    expect(runner.summary(first.id).status).toBe('cancelled');
    const kept = store.doneKeys(first.id);
    expect(kept.size).toBeGreaterThanOrEqual(2);
    expect(kept.size).toBeLessThan(6);
    await new Promise((r) => setTimeout(r, 300)); // let a request cut off by the cancel land first
    const requestsBefore = s.requests.length;
    const resumed = runner.start('rollout.run', { tasks: 6, samplesPerTask: 1, concurrency: 2, policy, resumeRolloutId: first.id });
    await runner.idle();
    expect(runner.summary(resumed.id).status).toBe('succeeded');
    const rows = store.byRollout(first.id);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === 'complete')).toBe(true);
    // Only the unfinished ones were played again (15 turns each with this policy).
    expect(s.requests.length - requestsBefore).toBe((6 - kept.size) * 15);
    expect(readdirSync(join(studio.requireProject().project.dir, 'artifacts', 'trajectories'))).toHaveLength(1);
    await studio.dispose();
  });
});

describe('rollout job on every built-in game', () => {
  it('the expert plays each game through the same job, every turn format-valid', async () => {
    const { GAME_IDS } = await import('../../../../preload/contract');
    const { studio, runner, store } = setup();
    for (const game of GAME_IDS) {
      const run = runner.start('rollout.run', { game, tasks: 3, samplesPerTask: 1, seed: 11, concurrency: 2 });
      await runner.idle();
      expect(runner.summary(run.id), game).toMatchObject({ status: 'succeeded' });
      const rows = store.byRollout(run.id);
      expect(
        rows.map((r) => r.status),
        game,
      ).toEqual(['complete', 'complete', 'complete']);
      for (const r of rows) {
        expect(r.format_valid_turns, game).toBe(r.length);
        expect(store.turns(r.id)[0]!.frame_id, game).not.toBeNull();
      }
    }
    await studio.dispose();
  });
});

describe('rollout settings', () => {
  it('uses the room size, boxes and turn limit given, and names a bad setting', async () => {
    const { studio, runner, store } = setup();
    const ok = runner.start('rollout.run', { game: 'sokoban', settings: { rows: 7, cols: 7, boxes: 2, maxTurns: 30 }, tasks: 2, seed: 3 });
    const bad = runner.start('rollout.run', { game: 'sokoban', settings: { rows: 2 }, tasks: 1 });
    await runner.idle();
    expect(runner.summary(ok.id).status).toBe('succeeded');
    for (const r of store.byRollout(ok.id)) {
      expect(r.success).toBe(1);
      const grid = store.turns(r.id)[0]!.text_obs!;
      expect(grid.split('\n').filter(Boolean)).toHaveLength(7);
      expect((grid.match(/X|√/g) ?? []).length).toBe(2);
    }
    expect(runner.summary(bad.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/rows/) });
    await studio.dispose();
  });
});
