// One function per contract method. Params arrive already validated.
import type { Artifact } from '../../../preload/contract';
import type { Project } from '../project/project';
import { lineageOf } from '../lineage/lineage';
import { toArtifact } from '../lineage/artifacts';
import { deleteArtifact, renameArtifact } from '../lineage/artifactAdmin';
import { baseModelOf, setModelHubId } from '../lineage/hubId';
import { toRunSummary } from '../db/store';
import { listSteps } from '../steps';
import { onnxModels } from '../steps/rollout/onnxModels';
import { testEndpoint } from '../steps/rollout/openai/testEndpoint';
import { systemReport } from '../system/systemReport';
import type { Handlers } from './dispatch';
import type { StudioServices } from './services';
import { StudioError } from '../util/errors';
import { listDirs } from './listDirs';
import { modelHandlers } from './modelHandlers';
import { Review } from '../steps/filter/review';
import { previewInProject } from '../steps/convert/preview';
import { estimateInProject } from '../steps/train/estimate';
import { trainDevices } from '../system/trainDevices';
import { hubStatus, signIn, signOut } from '../steps/upload/hubAuth';

function requireArtifact(project: Project, id: string): Artifact {
  const row = project.store.getArtifact(id);
  if (!row) throw new StudioError('not_found', `no artifact with id ${id} in this project`);
  return toArtifact(project, row);
}

export function createHandlers(studio: StudioServices): Handlers {
  return {
    'app.info': () => ({
      version: studio.version,
      shell: studio.options.shell,
      platform: process.platform,
      homeDir: studio.homeDir,
      canPickFolderNatively: Boolean(studio.options.pickFolder),
    }),
    'app.state': () => studio.appState.snapshot(),
    'app.setTheme': ({ theme }) => (studio.setTheme(theme), studio.appState.snapshot()),
    'app.setLastStep': ({ step }) => (studio.setLastStep(step), studio.appState.snapshot()),
    'app.forgetRecent': ({ dir }) => (studio.appState.forgetProject(dir), studio.appState.snapshot()),
    'dialog.pickFolder': async ({ title }) => {
      if (!studio.options.pickFolder) throw new StudioError('unsupported', 'no native folder dialog in browser mode; use the folder browser');
      return { path: await studio.options.pickFolder(title) };
    },
    'fs.listDirs': ({ path, hidden }) => listDirs(path, hidden),
    ...modelHandlers(),

    'project.create': ({ dir, name }) => studio.createProject(dir, name),
    'project.open': ({ dir }) => studio.openProject(dir),
    'project.close': async () => ({ closed: await studio.closeProject() }),
    'project.current': () => studio.project?.info() ?? null,

    'steps.list': () => listSteps(),
    'artifacts.list': ({ kinds }) => {
      const { project } = studio.requireProject();
      return project.store.listArtifacts(kinds).map((r) => toArtifact(project, r));
    },
    'rollout.onnxModels': () => onnxModels(studio.requireProject().project),
    'rollout.testEndpoint': (p) => testEndpoint(p),
    'artifacts.lineage': ({ artifactId }) => lineageOf(studio.requireProject().project, artifactId),
    'artifacts.baseModelId': ({ artifactId }) => {
      const { project } = studio.requireProject();
      const b = baseModelOf(project, requireArtifact(project, artifactId));
      return { baseArtifactId: b.base?.id ?? null, baseName: b.base?.name ?? null, hubId: b.hubId, source: b.source };
    },
    'artifacts.rename': ({ artifactId, name }) => renameArtifact(studio.requireProject().project, artifactId, name),
    'artifacts.delete': ({ artifactId }) => deleteArtifact(studio.requireProject().project, artifactId),
    'artifacts.setHubId': ({ artifactId, hubId }) => {
      const { project } = studio.requireProject();
      return setModelHubId(project, requireArtifact(project, artifactId), hubId);
    },

    'jobs.start': ({ kind, config, step }) => studio.requireProject().runner.start(kind, config, step),
    'jobs.list': ({ step, limit }) =>
      studio
        .requireProject()
        .project.store.listRuns({ step, limit })
        .map((r) => toRunSummary(r)),
    'jobs.get': ({ runId }) => {
      const { project } = studio.requireProject();
      const row = project.store.getRun(runId);
      if (!row) throw new StudioError('not_found', `no job with id ${runId}`);
      return {
        run: toRunSummary(row),
        config: JSON.parse(row.config_json) as Record<string, unknown>,
        inputs: project.store.runInputs(runId).map((a) => toArtifact(project, a)),
        outputs: project.store.runOutputs(runId).map((a) => toArtifact(project, a)),
        logs: project.store.listLogs(runId).map((l) => ({ id: l.id, runId: l.run_id, time: l.time, level: l.level, message: l.message })),
        metrics: project.store.listMetrics(runId),
      };
    },
    'jobs.logs': ({ runId, afterId }) =>
      studio
        .requireProject()
        .project.store.listLogs(runId, afterId ?? 0)
        .map((l) => ({ id: l.id, runId: l.run_id, time: l.time, level: l.level, message: l.message })),
    'jobs.cancel': ({ runId }) => studio.requireProject().runner.cancel(runId),
    'jobs.pause': ({ runId }) => studio.requireProject().runner.pause(runId),

    'review.preview': ({ rules }) => new Review(studio.requireProject().project).preview(rules),
    'review.list': ({ rules, view, offset, limit, query }) => new Review(studio.requireProject().project).list(rules, view, offset, limit, query),
    'review.decideMany': ({ rules, view, query, decision }) => new Review(studio.requireProject().project).decideMany(rules, view, query ?? {}, decision),
    'review.restore': ({ items }) => (new Review(studio.requireProject().project).restore(items), { ok: true as const }),
    'review.sources': () => new Review(studio.requireProject().project).sources(),
    'review.state': () => new Review(studio.requireProject().project).state(),
    'review.setState': (s) => new Review(studio.requireProject().project).setState(s),
    'review.trajectory': ({ id, rules }) => new Review(studio.requireProject().project).trajectory(id, rules),
    'review.frame': ({ id }) => new Review(studio.requireProject().project).frame(id),
    'review.decide': ({ id, decision, note }) => (new Review(studio.requireProject().project).decide(id, decision, note), { ok: true as const }),
    'review.filters': () => new Review(studio.requireProject().project).filters(),
    'review.saveFilter': ({ name, rules }) => new Review(studio.requireProject().project).saveFilter(name, rules),

    'convert.preview': (p) => previewInProject(studio.requireProject().project, p),
    'train.estimate': (p) => estimateInProject(studio.requireProject().project, p),
    'train.devices': () => trainDevices(),
    'hub.status': (p) => hubStatus(studio.tokenStore, { verify: p.verify }),
    'hub.signIn': (p) => signIn(studio.tokenStore, p),
    'hub.signOut': async () => (await signOut(studio.tokenStore), hubStatus(studio.tokenStore)),
    'hub.uploads': (p) => studio.requireProject().project.uploads.list(p.artifactId),

    'system.report': () => systemReport(studio.appState.snapshot().onnxProvider),
    'system.setOnnxProvider': ({ provider }) => (studio.appState.setOnnxProvider(provider), studio.appState.snapshot()),
  };
}
