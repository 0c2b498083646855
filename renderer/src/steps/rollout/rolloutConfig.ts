// The Rollout form's fields (as the form holds them) and the one rollout.run config built from
// them; the ONNX "Evaluate" card's rollout is built here too. The contract's schema checks the
// result before it is sent (useStartJob), naming refused fields by their config path.
import type { GAME_IDS, Params } from '../../../../preload/contract';
import type { EngineFields } from './EnginePolicyFields';
import type { OnnxFields } from './OnnxPolicyFields';

export type RolloutConfig = Extract<Params<'jobs.start'>, { kind: 'rollout.run' }>['config'];
export type PolicyKind = 'expert' | 'openai' | 'onnx' | 'engine';

export interface RolloutFields {
  game: (typeof GAME_IDS)[number];
  tasks: number;
  samples: number;
  seed: number;
  concurrency: number;
  history: number;
  /** The game's settings as typed (JSON); empty: the game's defaults. */
  settingsText: string;
  policy: PolicyKind;
  engine: EngineFields;
  onnx: OnnxFields;
  openai: { baseUrl: string; model: string; apiKey: string; retries: number; timeoutS: number };
  sampling: { temperature: number; topP: number; maxTokens: number };
}

/** The game settings JSON: an object, or why not. */
export function gameSettings(text: string): { ok: true; settings: Record<string, unknown> } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, settings: {} };
  try {
    const settings = JSON.parse(text) as unknown;
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new Error('must be a JSON object');
    return { ok: true, settings: settings as Record<string, unknown> };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

export function rolloutPolicy(f: RolloutFields): RolloutConfig['policy'] {
  const { temperature, topP, maxTokens } = f.sampling;
  switch (f.policy) {
    case 'expert':
      return { type: 'expert' };
    case 'engine':
      return {
        type: 'engine',
        ...(f.engine.modelArtifactId ? { modelArtifactId: f.engine.modelArtifactId } : {}),
        ...(f.engine.adapterArtifactId ? { adapterArtifactId: f.engine.adapterArtifactId } : {}),
        device: f.engine.device === 'auto' ? null : f.engine.device,
        temperature,
        topP,
        maxTokens,
      };
    case 'onnx':
      return {
        type: 'onnx',
        modelDir: f.onnx.modelDir.trim(),
        ...(f.onnx.artifactId ? { artifactId: f.onnx.artifactId } : {}),
        variant: f.onnx.variant,
        provider: f.onnx.provider,
        maxBatch: f.onnx.maxBatch,
        temperature,
        topP,
        maxTokens,
      };
    case 'openai': {
      const o = f.openai;
      return {
        type: 'openai',
        baseUrl: o.baseUrl.trim(),
        model: o.model.trim(),
        temperature,
        topP,
        maxTokens,
        retries: o.retries,
        timeoutMs: Math.round(o.timeoutS * 1000),
        ...(o.apiKey ? { apiKey: o.apiKey } : {}),
      };
    }
  }
}

/** The rollout the form describes; settings: the game settings JSON, already read by gameSettings. */
export function rolloutConfig(f: RolloutFields, settings: Record<string, unknown>): RolloutConfig {
  return { game: f.game, settings, tasks: f.tasks, samplesPerTask: f.samples, seed: f.seed, concurrency: f.concurrency, historyTurns: f.history, policy: rolloutPolicy(f) };
}

/** "Evaluate" an ONNX export: one greedy sample per level on held-out seeds (from 1 000 000), 8 at a time. */
export function onnxEvaluateConfig(game: RolloutFields['game'], tasks: number, model: { artifactId: string; name: string; modelDir: string }): RolloutConfig {
  return {
    name: `eval ${model.name}`,
    game,
    tasks,
    samplesPerTask: 1,
    seed: 1_000_000,
    concurrency: 8,
    policy: { type: 'onnx', modelDir: model.modelDir, artifactId: model.artifactId, temperature: 0 },
  };
}
