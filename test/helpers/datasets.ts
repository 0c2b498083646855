// Hand-made accepted datasets in the formats the Filter step exports:
// trajectories.jsonl (one episode per line, every turn with its own PNG frame)
// and ARLArena's high_score_multiturn_texts_seed{N}.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePngRgb } from '../../main/core/util/png';

/** A distinct solid-colour frame per (episode, turn) so tests can tell frames apart. */
export function frame(ep: number, turn: number, size = 256): Buffer {
  const rgb = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) rgb.set([(ep * 37) & 255, (turn * 53 + 11) & 255, 200], i * 3);
  return encodePngRgb(size, size, rgb);
}

export interface EpisodeSpec {
  turns: number;
  game?: string;
  seed?: number;
  success?: boolean;
  /** Reply text per turn; defaults to an ARLArena-style think/action reply. */
  reply?: (turn: number) => string;
  prompt?: (turn: number) => string;
  /** Turns without a frame. */
  noFrame?: number[];
}

export const ACTIONS = ['up', 'down', 'left', 'right'];
export const prompt = (ep: number, t: number) =>
  `You are solving Sokoban (episode ${ep}, turn ${t}).\nCurrent observation: <image>\nChoose one of ["up", "down", "left", "right"].`;
export const reply = (ep: number, t: number) => `<think>push the box</think>\n<action>${ACTIONS[(ep + t) % 4]}</action>`;

export function jsonlRecord(i: number, spec: EpisodeSpec): Record<string, unknown> {
  return {
    id: `traj-${i}`,
    game: spec.game ?? 'sokoban',
    seed: spec.seed ?? i,
    success: spec.success ?? true,
    task_score: spec.success === false ? 0 : 1,
    source_file: null,
    turns: Array.from({ length: spec.turns }, (_, t) => ({
      step: t,
      prompt: spec.prompt ? spec.prompt(t) : prompt(i, t),
      reply: spec.reply ? spec.reply(t) : reply(i, t),
      image: spec.noFrame?.includes(t) ? null : { format: 'png_base64', data: frame(i, t).toString('base64') },
    })),
  };
}

/** A dataset folder as the Filter step exports it (trajectories.jsonl + dataset.json). */
export function writeJsonlDataset(dir: string, specs: EpisodeSpec[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trajectories.jsonl'), specs.map((s, i) => JSON.stringify(jsonlRecord(i, s))).join('\n') + '\n');
  writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ format: 'vlm-sft-studio.trajectories', version: 1, trajectories: specs.length }));
  return dir;
}

/** ARLArena JSON files: sample_idx restarts at 0 in each file (as their eval script writes them). */
export function writeArlarenaFiles(dir: string, files: { seed: number; episodes: number; turns: number }[]): string {
  mkdirSync(dir, { recursive: true });
  let ep = 0;
  for (const f of files) {
    const list = Array.from({ length: f.episodes }, (_, k) => {
      const i = ep++;
      return {
        sample_idx: k,
        task_score: 1.0,
        turns: Array.from({ length: f.turns }, (_, t) => ({
          step: t,
          inputs: [{ content: prompt(i, t), role: 'user' }],
          outputs: reply(i, t),
          image: { format: 'png_base64', data: frame(i, t).toString('base64') },
        })),
      };
    });
    writeFileSync(join(dir, `high_score_multiturn_texts_seed${f.seed}.json`), JSON.stringify(list, null, 2));
  }
  return dir;
}
