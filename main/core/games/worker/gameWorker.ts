// The game worker thread: owns the rollout's envs (stepping, frame drawing and
// PNG encoding) and the expert's solver, so none of it runs on the thread that
// answers the UI. The rollout job (main thread) sends a reply per turn and
// gets back the parsed reply, the step's result and the next frame and prompt;
// it writes everything to the project database itself.
import { getGame } from '..';
import type { GameDefinition, GameEnv, HistoryEntry, Observation } from '../types';
import { movable, serve } from '../../util/workerServe';

interface Episode {
  game: GameDefinition;
  env: GameEnv;
  historyTurns: number;
  history: HistoryEntry[];
}

const episodes = new Map<string, Episode>();

function episode(key: unknown): Episode {
  const ep = episodes.get(String(key));
  if (!ep) throw new Error(`no open episode '${String(key)}' in the game worker`);
  return ep;
}

/** What the main thread mirrors of an env after each call; the frame's memory moves with it. */
function view(ep: Episode, obs: Observation) {
  const png = movable(obs.png);
  const { env } = ep;
  return {
    value: {
      obs: { png, width: obs.width, height: obs.height, text: obs.text },
      prompt: env.done ? null : ep.game.buildPrompt(env, { historyTurns: ep.historyTurns, history: ep.history }),
      turn: env.turn,
      done: env.done,
      won: env.won,
      totalReward: env.totalReward,
      maxTurns: env.maxTurns,
      admissible: env.done ? [] : env.admissibleActions(),
    },
    transfer: [png.buffer as ArrayBuffer],
  };
}

serve({
  open(m) {
    const game = getGame(String(m.game));
    const env = game.create(m.settings, Number(m.seed));
    const ep: Episode = { game, env, historyTurns: Number(m.historyTurns ?? 0), history: [] };
    const obs = env.reset();
    episodes.set(String(m.key), ep);
    return view(ep, obs);
  },
  expert(m) {
    const ep = episode(m.key);
    const t0 = Date.now();
    const text = ep.game.formatAnswer(ep.game.expertMove(ep.env));
    return { value: { text, latencyMs: Date.now() - t0 } };
  },
  step(m) {
    const ep = episode(m.key);
    const parsed = ep.game.parseReply(String(m.reply));
    const turn = ep.env.turn;
    const r = ep.env.step(parsed.action);
    ep.history.push({ turn, action: r.action, reward: r.reward, effective: r.effective });
    const v = view(ep, r.observation);
    return {
      value: { ...v.value, parsed, result: { action: r.action, reward: r.reward, done: r.done, won: r.won, effective: r.effective } },
      transfer: v.transfer,
    };
  },
  close(m) {
    episodes.delete(String(m.key));
    return { value: null };
  },
});
