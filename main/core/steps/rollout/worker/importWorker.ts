// The import worker thread: reads and parses ARLArena files (JSON parse, base64
// and PNG checks, every reply re-parsed) off the thread that answers the UI.
// The import job asks for one file, then for its episodes a chunk at a time, so
// it writes each chunk in a short transaction and the UI is served in between.
import type { ImportedEpisode, ImportedImage } from '../../../formats/arlarena/arlarena';
import { readArlarenaTrajectoryFile } from '../../../formats/arlarena/arlarena';
import type { GameId } from '../../../games/types';
import { movable, serve } from '../../../util/workerServe';

let episodes: ImportedEpisode[] = [];
let at = 0;

function moveImage(img: ImportedImage | null, transfer: ArrayBuffer[]): ImportedImage | null {
  if (!img) return null;
  const png = movable(img.png);
  transfer.push(png.buffer as ArrayBuffer);
  return { ...img, png: png as Buffer };
}

serve({
  async open(m) {
    const r = await readArlarenaTrajectoryFile(String(m.path), { game: m.game as GameId | undefined });
    episodes = r.episodes;
    at = 0;
    return { value: { file: r.file, errors: r.errors, episodes: r.episodes.length } };
  },
  /** The next episodes, up to maxTurns turns in all (at least one episode). */
  next(m) {
    const chunk: ImportedEpisode[] = [];
    for (let turns = 0; at < episodes.length && (chunk.length === 0 || turns + episodes[at]!.turns.length <= Number(m.maxTurns)); at++) {
      turns += episodes[at]!.turns.length;
      chunk.push(episodes[at]!);
    }
    const transfer: ArrayBuffer[] = [];
    const value = chunk.map((ep) => ({ ...ep, image: moveImage(ep.image, transfer), turns: ep.turns.map((t) => ({ ...t, image: moveImage(t.image, transfer) })) }));
    if (at >= episodes.length) episodes = []; // the file's memory goes as soon as its last chunk does
    return { value, transfer };
  },
});
