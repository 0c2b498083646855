// Reads an accepted dataset episode by episode: our trajectories.jsonl
// (streamed line by line, so memory does not grow with the file) or ARLArena
// JSON files (each parsed whole, as that format is one JSON list). A broken
// line or field stops the conversion with an error naming file, line and field:
// a training set with silently missing episodes is worse than no output.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatIssue, frameForTurn, readArlarenaTrajectoryFile } from '../../formats/arlarena/arlarena';
import { checkPng, decodeBase64Strict } from '../../formats/pngCheck';
import { StudioError } from '../../util/errors';

export interface SourceTurn {
  step: number;
  prompt: string;
  reply: string;
  image: Buffer | null;
}

export interface SourceEpisode {
  id: string;
  game: string;
  seed: number | null;
  taskScore: number;
  success: boolean;
  sourceFile: string;
  turns: SourceTurn[];
}

export interface SourceFiles {
  files: string[];
  bytes: number;
}

/** The trajectory files of a dataset: a .jsonl/.json file, or such files in a folder (dataset.json is our manifest, not data). */
export function datasetFiles(path: string): SourceFiles {
  if (!existsSync(path)) throw new StudioError('not_found', `${path}: dataset not found`);
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => (f.endsWith('.jsonl') || f.endsWith('.json')) && f !== 'dataset.json')
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (!files.length) throw new StudioError('bad_input', `${path}: no .jsonl or .json trajectory files in this folder`);
  return { files, bytes: files.reduce((n, f) => n + statSync(f).size, 0) };
}

/** Episodes in file order; `onBytes` reports source bytes consumed (for progress). */
export async function* readEpisodes(path: string, onBytes: (n: number) => void = () => undefined): AsyncGenerator<SourceEpisode> {
  for (const file of datasetFiles(path).files) {
    if (file.endsWith('.jsonl')) yield* readJsonl(file, onBytes);
    else yield* readArlarenaJson(file, onBytes);
  }
}

async function* readJsonl(file: string, onBytes: (n: number) => void): AsyncGenerator<SourceEpisode> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    onBytes(Buffer.byteLength(line) + 1);
    if (!line.trim()) continue;
    const where = `${basename(file)} line ${lineNo}`;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      throw new StudioError('bad_input', `${where}: not valid JSON (${(err as Error).message})`);
    }
    yield episodeFromRecord(rec, where, basename(file));
  }
}

function episodeFromRecord(rec: unknown, where: string, file: string): SourceEpisode {
  const bad = (field: string, what: string): never => {
    throw new StudioError('bad_input', `${where}: ${field}: ${what}`);
  };
  if (!isObject(rec)) return bad('(record)', 'expected a trajectory object');
  const id = typeof rec.id === 'string' && rec.id ? rec.id : bad('id', 'expected a non-empty string');
  if (!Array.isArray(rec.turns) || rec.turns.length === 0) bad('turns', 'expected a non-empty list of turns');
  const turns = (rec.turns as unknown[]).map((t, k): SourceTurn => {
    const f = `turns[${k}]`;
    if (!isObject(t)) return bad(f, 'expected a turn object');
    if (typeof t.prompt !== 'string') bad(`${f}.prompt`, 'expected a string');
    if (typeof t.reply !== 'string') bad(`${f}.reply`, 'expected a string');
    return { step: typeof t.step === 'number' ? t.step : k, prompt: t.prompt as string, reply: t.reply as string, image: decodeImage(t.image, `${f}.image`, bad) };
  });
  const score = typeof rec.task_score === 'number' ? rec.task_score : rec.success === true ? 1 : 0;
  return {
    id,
    game: typeof rec.game === 'string' ? rec.game : 'sokoban',
    seed: typeof rec.seed === 'number' ? rec.seed : null,
    taskScore: score,
    success: rec.success === true || score > 0.9,
    sourceFile: typeof rec.source_file === 'string' && rec.source_file ? rec.source_file : file,
    turns,
  };
}

function decodeImage(v: unknown, field: string, bad: (f: string, w: string) => never): Buffer | null {
  if (v === null || v === undefined) return null;
  if (!isObject(v) || typeof v.data !== 'string') return bad(field, 'expected null or {format: "png_base64", data}');
  if (v.format !== undefined && v.format !== 'png_base64') bad(`${field}.format`, `expected "png_base64", got ${JSON.stringify(v.format)}`);
  const bytes = decodeBase64Strict(v.data);
  if (!bytes) return bad(`${field}.data`, 'is not base64');
  const png = checkPng(bytes);
  if (!png.ok) bad(`${field}.data`, `is not a base64 PNG (${png.reason})`);
  return bytes;
}

async function* readArlarenaJson(file: string, onBytes: (n: number) => void): AsyncGenerator<SourceEpisode> {
  const result = await readArlarenaTrajectoryFile(file);
  onBytes(statSync(file).size);
  if (result.errors.length) throw new StudioError('bad_input', formatIssue(result.errors[0]!) + (result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : ''));
  for (const ep of result.episodes) {
    yield {
      id: ep.key,
      game: 'sokoban',
      seed: ep.envSeed,
      taskScore: ep.taskScore ?? 1,
      success: (ep.taskScore ?? 1) > 0.9,
      sourceFile: ep.file,
      turns: ep.turns.map((t, k) => ({ step: t.step, prompt: t.prompt, reply: t.reply, image: frameForTurn(ep, k).image?.png ?? null })),
    };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
