// Trajectories as JSON lines with their frames embedded (base64 PNG per turn):
// a documented, self-contained format that the Convert step and scripts read.
// One line = { id, game, seed, task_index, sample_index, source, success, return,
//   length, turns: [{ step, prompt, reply, think, action, action_valid,
//   format_valid, reward, done, won, image: { format: "png_base64", data } }] }
import type { TrajectoryStore } from '../db/trajectories';
import { writeFileInPieces } from '../util/atomicWrite';

export function trajectoryRecord(store: TrajectoryStore, id: string): Record<string, unknown> | null {
  const t = store.get(id);
  if (!t) return null;
  const frames = new Map<number, string>();
  const image = (fid: number | null): { format: 'png_base64'; data: string } | null => {
    if (fid === null) return null;
    if (!frames.has(fid)) frames.set(fid, store.frame(fid)?.png.toString('base64') ?? '');
    return { format: 'png_base64', data: frames.get(fid)! };
  };
  return {
    id: t.id,
    game: t.game,
    seed: t.seed,
    task_index: t.task_index,
    sample_index: t.sample_index,
    source: t.source,
    source_file: t.source_file,
    source_index: t.source_index,
    status: t.status,
    success: t.success === 1,
    task_score: t.task_score ?? (t.success ? 1 : 0),
    return: t.total_return,
    length: t.length,
    invalid_actions: t.invalid_actions,
    format_valid_turns: t.format_valid_turns,
    turns: store.turns(id).map((u) => ({
      step: u.idx,
      prompt: u.prompt,
      text_obs: u.text_obs,
      reply: u.reply,
      think: u.think,
      action: u.action,
      action_valid: u.action_valid === 1,
      format_valid: u.format_valid === 1,
      reward: u.reward,
      done: u.done === 1,
      won: u.won === 1,
      image: image(u.frame_id),
    })),
  };
}

export function writeTrajectoriesJsonl(file: string, store: TrajectoryStore, ids: string[]): number {
  return writeFileInPieces(file, (write) => {
    let n = 0;
    for (const id of ids) {
      const rec = trajectoryRecord(store, id);
      if (!rec) continue;
      write(`${JSON.stringify(rec)}\n`);
      n++;
    }
    return n;
  });
}
