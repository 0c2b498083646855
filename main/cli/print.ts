// Plain-text output for the CLI.
import type { RunSummary } from '../../preload/contract';
import type { Studio } from '../core/studio';
import { toRunSummary } from '../core/db/store';
import { systemReport } from '../core/system/systemReport';

const pct = (p: number): string => `${(p * 100).toFixed(0).padStart(3)}%`;

export function progressLine(r: RunSummary): string {
  const width = 30;
  const filled = Math.round(r.progress * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct(r.progress)} ${r.status} ${r.progressMessage ?? ''}`.padEnd(90);
}

export function printProjectInfo(studio: Studio, json: boolean): void {
  const { project } = studio.requireProject();
  const info = project.info();
  const runs = project.store.listRuns({ limit: 1000 });
  const byStatus: Record<string, number> = {};
  for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const artifacts = Object.fromEntries(project.store.countArtifactsByKind());
  if (json) {
    console.log(JSON.stringify({ ...info, runs: byStatus, artifacts }, null, 2));
    return;
  }
  console.log(`project   ${info.name}\nfolder    ${info.dir}\ncreated   ${info.createdAt}\nschema    ${info.schemaVersion}`);
  console.log(
    `jobs      ${
      Object.entries(byStatus)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'none'
    }`,
  );
  console.log(
    `artifacts ${
      Object.entries(artifacts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'none'
    }`,
  );
}

export async function printJobs(studio: Studio, json: boolean): Promise<void> {
  const runs = await studio.api.call('jobs.list', { limit: 1000 });
  if (json) {
    console.log(JSON.stringify(runs, null, 2));
    return;
  }
  if (!runs.length) console.log('no jobs yet');
  for (const r of runs) console.log(`${r.id.slice(0, 8)}  ${r.status.padEnd(11)} ${pct(r.progress)}  ${r.createdAt}  ${r.title}${r.error ? `  — ${r.error}` : ''}`);
}

export async function printSystem(json: boolean): Promise<void> {
  const r = await systemReport();
  if (json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  console.log(`native addon  ${r.addon.loaded ? `loaded (${r.addon.path})` : `unavailable: ${r.addon.error}`}`);
  if (r.cpu) console.log(`cpu           ${r.cpu.model}, ${r.cpu.logicalCores} threads, ${r.cpu.features.join(' ') || 'no features reported'}`);
  if (r.memory) console.log(`memory        ${(r.memory.totalBytes / 2 ** 30).toFixed(1)} GiB`);
  if (r.cuda) console.log(`cuda          ${r.cuda.usable ? 'usable' : 'unavailable'}: ${r.cuda.reason}`);
  if (r.libtorch) console.log(`libtorch      ${r.libtorch.usable ? `usable ${r.libtorch.version ?? ''} at ${r.libtorch.path}` : `unavailable: ${r.libtorch.reason}`}`);
  console.log(`training      ${r.training.available ? 'available' : 'unavailable'}: ${r.training.reason}`);
  console.log(`onnxruntime   ${r.onnx.version ?? 'not loaded'}; providers: ${r.onnx.providers.map((p) => `${p.id} ${p.available ? 'yes' : `no (${p.reason})`}`).join(', ')}`);
}
