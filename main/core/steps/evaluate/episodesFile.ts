// An evaluation's folder: episodes.jsonl (one finished episode per line, appended as it ends, so a stopped
// evaluation resumes without replaying it), throughput.json (generated tokens and model time per policy)
// and, at the end, result.json.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpisodeRecord } from './episode';

export const EPISODES_FILE = 'episodes.jsonl';
export const THROUGHPUT_FILE = 'throughput.json';
export const RESULT_FILE = 'result.json';

export type Throughput = Record<string, { newTokens: number; modelMs: number }>;

export function readEpisodes(dir: string): EpisodeRecord[] {
  const file = join(dir, EPISODES_FILE);
  if (!existsSync(file)) return [];
  // A line cut short by a crash is the one episode that is played again.
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as EpisodeRecord];
      } catch {
        return [];
      }
    });
}

export function appendEpisode(dir: string, e: EpisodeRecord): void {
  appendFileSync(join(dir, EPISODES_FILE), `${JSON.stringify(e)}\n`);
}

export function readThroughput(dir: string): Throughput {
  const file = join(dir, THROUGHPUT_FILE);
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Throughput) : {};
  } catch {
    return {};
  }
}

export function writeThroughput(dir: string, t: Throughput): void {
  writeFileSync(join(dir, THROUGHPUT_FILE), `${JSON.stringify(t, null, 2)}\n`);
}
