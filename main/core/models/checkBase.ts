// Before a merge starts: is this base the adapter's own? The architecture the
// adapter records (adapter_config.json auto_mapping.base_model_class), the base
// its training run read (lineage) and the Hub id it names (base_model_name_or_path)
// must agree with the chosen base; tensor shapes are checked by planMerge, also
// before any byte is written. A mismatch is refused naming both sides.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from '../../../preload/contract';
import { baseModelOf, hubIdInAdapterConfig, hubIdOfModel } from '../lineage/hubId';
import { inspectModelFolder } from './modelFolder';
import type { Project } from '../project/project';
import { StudioError } from '../util/errors';

function adapterConfig(dir: string): Record<string, unknown> {
  const file = join(dir, 'adapter_config.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Throws when the adapter was not made for `base`; returns what was checked, for the log. */
export function checkAdapterBase(project: Project, base: Artifact, adapter: Artifact): string[] {
  const checked: string[] = [];
  const arch = inspectModelFolder(base.path).architecture;
  const cfg = adapterConfig(adapter.path);
  const recordedClass = (cfg.auto_mapping as { base_model_class?: unknown } | undefined)?.base_model_class;
  if (typeof recordedClass === 'string' && arch) {
    if (recordedClass !== arch)
      throw new StudioError(
        'bad_adapter',
        `adapter '${adapter.name}' was trained on a ${recordedClass}, but base '${base.name}' is a ${arch}: merging it would write a model of the wrong class`,
      );
    checked.push(`architecture ${arch}`);
  }
  const own = baseModelOf(project, adapter).base;
  if (own && own.id !== base.id && !(own.sha256 && own.sha256 === base.sha256)) {
    const ownArch = existsSync(own.path) ? inspectModelFolder(own.path).architecture : null;
    throw new StudioError(
      'bad_adapter',
      `adapter '${adapter.name}' was trained on '${own.name}'${ownArch ? ` (${ownArch})` : ''}, not on '${base.name}'${arch ? ` (${arch})` : ''}: choose its own base, '${own.name}'`,
    );
  }
  if (own) checked.push(`trained on '${own.name}'`);
  const named = hubIdInAdapterConfig(cfg.base_model_name_or_path);
  const baseHub = hubIdOfModel(project, base)?.id ?? null;
  if (named && baseHub) {
    if (named !== baseHub)
      throw new StudioError(
        'bad_adapter',
        `adapter '${adapter.name}' names its base as ${named} (adapter_config.json base_model_name_or_path), but base '${base.name}' is ${baseHub}`,
      );
    checked.push(`base ${named}`);
  }
  return checked;
}
