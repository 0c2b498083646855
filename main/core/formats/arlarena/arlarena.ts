// Reads the trajectory files ARLArena's eval script writes
// (high_score_multiturn_texts_seed{N}.json): a list of episodes
// {sample_idx, task_score, turns: [{step, inputs|messages, outputs, image}],
// image|images}. sample_idx is unique only inside one file, so episodes are
// keyed by (file, sample_idx). A broken episode never stops the file: it is
// reported with its JSON path and the good ones are returned. Every reply is
// re-parsed with the game's strict parser so imported turns carry the same
// validity flags as our own rollouts.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { getGame } from '../../games';
import type { GameId, ParsedReply } from '../../games/types';
import { locateJsonError } from './jsonLocate';
import { checkPng, decodeBase64Strict } from '../pngCheck';

export interface ImportedImage {
  png: Buffer;
  width: number;
  height: number;
}

export interface ImportedTurn {
  step: number;
  messages: Array<{ role: string; content: string }>;
  /** The user message text (several user messages joined by a blank line). */
  prompt: string;
  reply: string;
  /** This turn's own frame; ARLArena files almost never have one. */
  image: ImportedImage | null;
  parsed: ParsedReply;
}

export interface ImportedEpisode {
  /** `${file}#${sampleIdx}`: unique across files. */
  key: string;
  file: string;
  /** Position in the file's list. */
  index: number;
  sampleIdx: number;
  taskScore: number | null;
  /** N from the file name's seed{N}, the env seed of that run; null when the name has none. */
  envSeed: number | null;
  /** The episode-level image (the first turn's board in ARLArena files), if any. */
  image: ImportedImage | null;
  turns: ImportedTurn[];
}

export interface ImportIssue {
  file: string;
  /** JSON path inside the file, e.g. [3].turns[1].outputs, or a line/column for unreadable JSON. */
  path: string;
  message: string;
  /** The episode at this path was left out (otherwise only a field was dropped). */
  episodeSkipped: boolean;
}

export interface ImportResult {
  file: string;
  episodes: ImportedEpisode[];
  errors: ImportIssue[];
}

export interface ImportOptions {
  /** The game whose parser re-reads the replies (ARLArena's files are Sokoban). */
  game?: GameId;
}

export function formatIssue(i: ImportIssue): string {
  return `${i.file}: ${i.path}: ${i.message}`;
}

/** The frame to show for a turn: its own, else the episode image for the first turn only (it is the first board). */
export function frameForTurn(ep: ImportedEpisode, turnIndex: number): { image: ImportedImage | null; source: 'turn' | 'episode' | null } {
  const own = ep.turns[turnIndex]?.image ?? null;
  if (own) return { image: own, source: 'turn' };
  if (turnIndex === 0 && ep.image) return { image: ep.image, source: 'episode' };
  return { image: null, source: null };
}

export function envSeedFromFileName(file: string): number | null {
  const m = /seed(\d+)/i.exec(file);
  return m ? Number(m[1]) : null;
}

class EpisodeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v === 'string' ? 'a string' : typeof v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** {format: "png_base64", data|images: "<base64>"}; null/absent → null; otherwise a message. */
function readImage(v: unknown): ImportedImage | null | string {
  if (v === null || v === undefined) return null;
  if (!isObject(v)) return `expected an image object {"format": "png_base64", "data": …}, got ${kindOf(v)}`;
  if (v.format !== undefined && v.format !== 'png_base64') return `unsupported image format ${JSON.stringify(v.format)} (expected "png_base64")`;
  const data = v.data ?? v.images; // the notebook's data once used the key "images"
  if (data === null || data === undefined) return null;
  if (typeof data !== 'string') return `image data: expected a base64 string, got ${kindOf(data)}`;
  const bytes = decodeBase64Strict(data);
  if (!bytes) return 'image data is not valid base64';
  const png = checkPng(bytes);
  if (!png.ok) return `image data: ${png.reason}`;
  return { png: bytes, width: png.width, height: png.height };
}

function readContent(v: unknown, path: string): string {
  if (typeof v === 'string') return v;
  // OpenAI-style parts: text parts joined, image parts become the placeholder.
  if (Array.isArray(v)) {
    return v
      .map((part, k) => {
        if (isObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
        if (isObject(part) && (part.type === 'image' || part.type === 'image_url')) return '<image>';
        throw new EpisodeError(`${path}[${k}]`, 'expected a text or image part');
      })
      .join('');
  }
  throw new EpisodeError(path, `expected a string, got ${kindOf(v)}`);
}

const KNOWN_ROLES = new Set(['system', 'user', 'assistant', 'tool']);

function readTurn(t: unknown, path: string, index: number, parse: (reply: string) => ParsedReply, issues: (path: string, msg: string) => void): ImportedTurn {
  if (!isObject(t)) throw new EpisodeError(path, `expected a turn object, got ${kindOf(t)}`);
  let step = index;
  if (t.step !== undefined && t.step !== null) {
    if (typeof t.step !== 'number' || !Number.isInteger(t.step) || t.step < 0)
      throw new EpisodeError(`${path}.step`, `expected a non-negative integer, got ${JSON.stringify(t.step)}`);
    step = t.step;
  }
  const key = t.inputs !== undefined ? 'inputs' : t.messages !== undefined ? 'messages' : null;
  if (key === null) throw new EpisodeError(path, 'missing "inputs" (or "messages")');
  const raw = t[key];
  if (!Array.isArray(raw)) throw new EpisodeError(`${path}.${key}`, `expected a list of messages, got ${kindOf(raw)}`);
  const messages = raw.map((m, k) => {
    const mp = `${path}.${key}[${k}]`;
    if (!isObject(m)) throw new EpisodeError(mp, `expected a message object, got ${kindOf(m)}`);
    if (typeof m.role !== 'string') throw new EpisodeError(`${mp}.role`, `expected a string, got ${kindOf(m.role)}`);
    // Role names in any case ("USER", " User "); anything else would silently lose the prompt.
    const role = m.role.trim().toLowerCase();
    if (!KNOWN_ROLES.has(role)) throw new EpisodeError(`${mp}.role`, `unknown role ${JSON.stringify(m.role)} (expected one of ${[...KNOWN_ROLES].join(', ')})`);
    return { role, content: readContent(m.content, `${mp}.content`) };
  });
  if (!messages.some((m) => m.role === 'user')) throw new EpisodeError(`${path}.${key}`, 'no "user" message: the turn would have no prompt');
  if (typeof t.outputs !== 'string') throw new EpisodeError(`${path}.outputs`, `expected a string, got ${kindOf(t.outputs)}`);
  const img = readImage(t.image);
  if (typeof img === 'string') issues(`${path}.image`, img);
  return {
    step,
    messages,
    prompt: messages
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join('\n\n'),
    reply: t.outputs,
    image: typeof img === 'string' ? null : img,
    parsed: parse(t.outputs),
  };
}

/** Parse one file's text. Never throws on bad content. */
export function parseArlarenaTrajectories(file: string, content: string | Buffer, options: ImportOptions = {}): ImportResult {
  const name = basename(file);
  const errors: ImportIssue[] = [];
  const episodes: ImportedEpisode[] = [];
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    const place = locateJsonError(text);
    const where = place ? `line ${place.line}, column ${place.column}` : '(file)';
    errors.push({ file: name, path: where, message: `not valid JSON: ${place?.message ?? (e instanceof Error ? e.message : String(e))}`, episodeSkipped: false });
    return { file: name, episodes, errors };
  }
  if (!Array.isArray(root)) {
    errors.push({ file: name, path: '(top level)', message: `expected a list of episodes, got ${kindOf(root)}`, episodeSkipped: false });
    return { file: name, episodes, errors };
  }
  const game = getGame(options.game ?? 'sokoban');
  const parse = (reply: string): ParsedReply => game.parseReply(reply);
  const envSeed = envSeedFromFileName(name);
  const firstAt = new Map<number, number>();

  root.forEach((ep, index) => {
    const base = `[${index}]`;
    const fieldIssues: ImportIssue[] = [];
    const note = (path: string, message: string): void => void fieldIssues.push({ file: name, path, message, episodeSkipped: false });
    try {
      if (!isObject(ep)) throw new EpisodeError(base, `expected an episode object, got ${kindOf(ep)}`);
      const sid = ep.sample_idx;
      if (sid === undefined) throw new EpisodeError(base, 'missing "sample_idx"');
      if (typeof sid !== 'number' || !Number.isInteger(sid)) throw new EpisodeError(`${base}.sample_idx`, `expected an integer, got ${JSON.stringify(sid)}`);
      const dup = firstAt.get(sid);
      if (dup !== undefined) throw new EpisodeError(`${base}.sample_idx`, `duplicate sample_idx ${sid} (first at [${dup}])`);
      let taskScore: number | null = null;
      if (typeof ep.task_score === 'number' && Number.isFinite(ep.task_score)) taskScore = ep.task_score;
      else if (ep.task_score !== undefined && ep.task_score !== null) note(`${base}.task_score`, `expected a number, got ${JSON.stringify(ep.task_score)}`);
      if (ep.turns === undefined) throw new EpisodeError(base, 'missing "turns"');
      if (!Array.isArray(ep.turns)) throw new EpisodeError(`${base}.turns`, `expected a list of turns, got ${kindOf(ep.turns)}`);
      if (ep.turns.length === 0) throw new EpisodeError(`${base}.turns`, 'the episode has no turns');
      const turns = ep.turns.map((t, k) => readTurn(t, `${base}.turns[${k}]`, k, parse, note));

      // Episode-level image: "images" (the notebook's data) or "image" (early commits); a list maps to turns.
      let image: ImportedImage | null = null;
      const imgKey = ep.images !== undefined ? 'images' : 'image';
      const rawImg = ep[imgKey];
      if (Array.isArray(rawImg)) {
        if (rawImg.length !== 1 && rawImg.length !== turns.length) note(`${base}.${imgKey}`, `expected one image or one per turn (${turns.length}), got ${rawImg.length}`);
        else
          for (let k = 0; k < rawImg.length; k++) {
            const got = readImage(rawImg[k]);
            if (typeof got === 'string') note(`${base}.${imgKey}[${k}]`, got);
            else if (rawImg.length === 1) image = got;
            else if (got && !turns[k]!.image) turns[k]!.image = got;
          }
      } else {
        const got = readImage(rawImg);
        if (typeof got === 'string') note(`${base}.${imgKey}`, got);
        else image = got;
      }
      firstAt.set(sid, index);
      errors.push(...fieldIssues);
      episodes.push({ key: `${name}#${sid}`, file: name, index, sampleIdx: sid, taskScore, envSeed, image, turns });
    } catch (e) {
      // Whatever went wrong, it costs this episode only.
      const path = e instanceof EpisodeError ? e.path : base;
      const message = e instanceof EpisodeError ? e.message : `unreadable episode (${e instanceof Error ? e.message : String(e)})`;
      errors.push(...fieldIssues, { file: name, path, message, episodeSkipped: true });
    }
  });
  return { file: name, episodes, errors };
}

/** Read and parse one file from disk; an unreadable file is one error, not a throw. */
export async function readArlarenaTrajectoryFile(path: string, options: ImportOptions = {}): Promise<ImportResult> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (e) {
    const file = basename(path);
    return { file, episodes: [], errors: [{ file, path: '(file)', message: `cannot read: ${e instanceof Error ? e.message : String(e)}`, episodeSkipped: false }] };
  }
  return parseArlarenaTrajectories(path, content, options);
}
