// "Export training job": the SFT run as a TRL + accelerate project for a
// multi-GPU or multi-node cluster — train_sft.py, train_config.json,
// accelerate_config.yaml (+ ds_config.json), launch.sh, requirements.txt,
// README.md, and the converted Parquet in data/ (hard-linked where possible).
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { StudioError } from '../../../util/errors';
import { accelerateConfig, deepspeedConfig } from './accelerateConfig';
import { launchScript } from './launchScript';
import { exportReadme, requirements } from './exportReadme';
import { TRAIN_SCRIPT } from './trainScript';
import { clusterTrainSettings, datasetLabels } from './clusterSettings';
import { buildFolderSync } from '../../../util/atomicWrite';
import type { DatasetFacts, ExportConfig } from './exportTypes';

const INFO = 'dataset_info.json';

/** Checks a 'dataset-parquet' folder: train.parquet is required, and it must be the TRL layout. */
export function readDatasetFolder(dir: string, name: string): DatasetFacts {
  const train = join(dir, 'train.parquet');
  if (!existsSync(train)) throw new StudioError('bad_input', `${train} is missing; the dataset folder must hold train.parquet (a Convert output)`);
  let info: Record<string, unknown> | null = null;
  if (existsSync(join(dir, INFO))) {
    try {
      info = JSON.parse(readFileSync(join(dir, INFO), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new StudioError('bad_input', `${join(dir, INFO)} is not valid JSON: ${(err as Error).message}`);
    }
    if (info.target !== undefined && info.target !== 'trl')
      throw new StudioError(
        'bad_input',
        `${join(dir, INFO)}: the dataset was converted for '${String(info.target)}'; the training export needs the 'trl' target (messages + images)`,
      );
  }
  const files = (info?.files ?? {}) as Record<string, { rows?: number } | undefined>;
  const val = join(dir, 'validation.parquet');
  const valRows = files.validation?.rows ?? null;
  return {
    name,
    train: { file: train, rows: files.train?.rows ?? null },
    validation: existsSync(val) && valRows !== 0 ? { file: val, rows: valRows } : null,
    info,
  };
}

function place(from: string, to: string, mode: 'copy' | 'link'): 'linked' | 'copied' {
  if (mode === 'link') {
    try {
      linkSync(from, to);
      return 'linked';
    } catch {
      // another disk, or links not allowed: copy instead
    }
  }
  copyFileSync(from, to);
  return 'copied';
}

function pixelSetting(info: Record<string, unknown> | null, key: 'minPixels' | 'maxPixels'): number | null {
  const v = (info?.settings as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' && v > 0 ? v : null;
}

export interface ExportResult {
  outDir: string;
  files: string[];
  data: 'linked' | 'copied';
  /** Train form settings the cluster script has no counterpart for. */
  notCarried: string[];
}

/** The base model as the cluster will see it: a Hub id as given, a folder as an absolute path. */
export function baseModelRef(base: string): string {
  const looksLikeHubId = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(base) && !existsSync(base);
  return looksLikeHubId || isAbsolute(base) ? base : resolve(base);
}

export function writeTrainExport(outDir: string, c: ExportConfig, ds: DatasetFacts, createdAt: string): ExportResult {
  if (existsSync(outDir)) throw new StudioError('exists', `${outDir} already exists; choose a new folder`);
  return buildFolderSync(outDir, (tmp) => {
    mkdirSync(join(tmp, 'data'), { recursive: true });
    const base = baseModelRef(c.baseModel);
    const data = place(ds.train.file, join(tmp, 'data', 'train.parquet'), c.dataMode);
    if (ds.validation) place(ds.validation.file, join(tmp, 'data', 'validation.parquet'), c.dataMode);
    if (ds.info) writeFileSync(join(tmp, 'data', INFO), `${JSON.stringify(ds.info, null, 2)}\n`);
    const mapped = clusterTrainSettings(c.train, datasetLabels(ds.info));
    const trainConfig = {
      base_model: base,
      train_file: 'data/train.parquet',
      validation_file: ds.validation ? 'data/validation.parquet' : null,
      output_dir: 'output',
      strategy: c.strategy,
      ...mapped.settings,
      // The image limits the dataset was converted (and its lengths counted) with.
      min_pixels: pixelSetting(ds.info, 'minPixels'),
      max_pixels: pixelSetting(ds.info, 'maxPixels'),
      report_to: 'none',
      gpus_per_machine: c.gpus,
      machines: c.nodes,
    };
    const files: Record<string, string> = {
      'train_sft.py': TRAIN_SCRIPT,
      'train_config.json': `${JSON.stringify(trainConfig, null, 2)}\n`,
      'accelerate_config.yaml': accelerateConfig({ ...c, bf16: mapped.settings.dtype === 'bfloat16' }),
      'launch.sh': launchScript(c, createdAt),
      'requirements.txt': requirements(c, mapped.settings),
      'README.md': exportReadme({ config: c, settings: mapped.settings, notCarried: mapped.notCarried, base, dataset: ds, createdAt }),
    };
    if (c.strategy !== 'fsdp') files['ds_config.json'] = `${JSON.stringify(deepspeedConfig(c.strategy), null, 2)}\n`;
    for (const [name, text] of Object.entries(files)) writeFileSync(join(tmp, name), text);
    chmodSync(join(tmp, 'launch.sh'), 0o755);
    chmodSync(join(tmp, 'train_sft.py'), 0o755);
    const dataFiles = ['data/train.parquet', ...(ds.validation ? ['data/validation.parquet'] : []), ...(ds.info ? [`data/${INFO}`] : [])];
    return { outDir, files: [...Object.keys(files), ...dataFiles].sort(), data, notCarried: mapped.notCarried };
  });
}
