// Writes a ready-to-run verl-agent GiGPO launch folder: run_gigpo.sh with the
// merged model's path filled in, data/{train,test}.parquet, README.md and
// config.json. Written to `<outDir>.partial` and renamed when complete.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import type { RlHandoffConfig } from '../../../../preload/contract/rl';
import { getGame } from '../../games';
import { StudioError } from '../../util/errors';
import { appVersion } from '../../util/paths';
import { gigpoScript, hydraOverrides, type ScriptInput } from './gigpoScript';
import { rlReadme } from './rlReadme';
import { VALIDATION_SEED_OFFSET, writeRlSplit } from './rlData';
import { verlEnvFor } from './verlEnv';
import { buildFolder } from '../../util/atomicWrite';

export interface LaunchFolderInput {
  outDir: string;
  modelPath: string; // absolute
  modelName: string;
  config: z.output<typeof RlHandoffConfig>;
  createdAt: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

export interface LaunchFolder {
  outDir: string;
  files: string[];
  envName: string;
  trainRows: number;
  testRows: number;
}

/** The game's settings with the wizard's turn limit, where the game has one. */
function gameSettings(game: string, raw: Record<string, unknown>, maxTurns: number): Record<string, unknown> {
  const g = getGame(game);
  const defaults = g.parseSettings({});
  return g.parseSettings('maxTurns' in defaults ? { ...raw, maxTurns } : raw);
}

const slug = (s: string): string =>
  s
    .replace(/[^\w.-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80) || 'model';

export async function writeLaunchFolder(i: LaunchFolderInput): Promise<LaunchFolder> {
  if (existsSync(i.outDir)) throw new StudioError('exists', `${i.outDir} already exists; choose another name`);
  const c = i.config;
  const settings = gameSettings(c.game, c.gameSettings, c.maxTurns);
  const env = verlEnvFor(c.game, settings);
  const script: ScriptInput = {
    modelPath: i.modelPath,
    game: c.game,
    env,
    hp: c,
    projectName: c.projectName ?? `verl_agent_${c.game}`,
    experimentName: `gigpo_${slug(basename(i.modelPath))}`,
    createdAt: i.createdAt,
  };
  const { train, test } = await buildFolder(i.outDir, async (tmp) => {
    mkdirSync(join(tmp, 'data'), { recursive: true });
    const total = c.trainDataSize + c.valDataSize;
    const report = (done: number): void => i.onProgress?.((0.95 * done) / total, `rendering ${c.game} frames: ${done} of ${total}`);
    const train = await writeRlSplit(
      { file: join(tmp, 'data', 'train.parquet'), split: 'train', rows: c.trainDataSize, firstSeed: c.seed },
      { game: c.game, settings, signal: i.signal, onRow: report },
    );
    const test = await writeRlSplit(
      { file: join(tmp, 'data', 'test.parquet'), split: 'test', rows: c.valDataSize, firstSeed: VALIDATION_SEED_OFFSET + c.seed },
      { game: c.game, settings, signal: i.signal, onRow: (n) => report(c.trainDataSize + n) },
    );
    writeFileSync(join(tmp, 'run_gigpo.sh'), gigpoScript(script));
    chmodSync(join(tmp, 'run_gigpo.sh'), 0o755);
    writeFileSync(join(tmp, 'README.md'), rlReadme({ ...script, modelName: i.modelName, trainRows: train.rows, testRows: test.rows }));
    const record = {
      format: 'vlm-sft-studio.rl-launch',
      version: 1,
      createdAt: i.createdAt,
      studioVersion: appVersion(),
      algorithm: 'gigpo',
      model: { name: i.modelName, path: i.modelPath },
      game: { id: c.game, settings, verlEnv: env.envName },
      data: {
        train: { file: 'data/train.parquet', rows: train.rows, firstSeed: c.seed },
        test: { file: 'data/test.parquet', rows: test.rows, firstSeed: VALIDATION_SEED_OFFSET + c.seed },
      },
      hyperParameters: c,
      hydraOverrides: hydraOverrides(script),
    };
    writeFileSync(join(tmp, 'config.json'), `${JSON.stringify(record, null, 2)}\n`);
    return { train, test };
  });
  i.onProgress?.(0.95, 'launch folder written');
  return {
    outDir: i.outDir,
    files: ['README.md', 'config.json', 'data/test.parquet', 'data/train.parquet', 'run_gigpo.sh'],
    envName: env.envName,
    trainRows: train.rows,
    testRows: test.rows,
  };
}
