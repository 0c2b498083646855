// The one typed contract: every request the renderer may make, its params and its result, composed
// from the app's own requests (below) and each step's (in the step's file). Both sides validate
// against these schemas.
import { z } from 'zod';
import { AppInfo, AppState, DirListing, OnnxProviderChoice, ProjectInfo, StepId, StepInfo, SystemReport, ThemeMode } from './app';
import { Artifact, ArtifactKind } from './artifacts';
import { convertMethods } from './convert';
import { filterMethods } from './filter';
import { JobStart } from './jobs';
import { LocalModels, ModelFolderInfo } from './localModels';
import { rolloutMethods } from './rollout';
import { LineageNode, RunDetail, RunLog, RunSummary } from './runs';
import { trainMethods } from './train';
import { HubModelId, uploadMethods } from './upload';

const none = z.object({}).strict();
const absPath = z.string().min(1, 'a folder path is required');

const appMethods = {
  'app.info': { params: none, result: AppInfo },
  'app.state': { params: none, result: AppState },
  'app.setTheme': { params: z.object({ theme: ThemeMode }).strict(), result: AppState },
  'app.setLastStep': { params: z.object({ step: StepId }).strict(), result: AppState },
  'app.forgetRecent': { params: z.object({ dir: absPath }).strict(), result: AppState },
  'dialog.pickFolder': { params: z.object({ title: z.string().max(200) }).strict(), result: z.object({ path: z.string().nullable() }) },
  // hidden: also list dot-folders (the Hugging Face cache lives under ~/.cache).
  'fs.listDirs': { params: z.object({ path: z.string().optional(), hidden: z.boolean().optional() }).strict(), result: DirListing },
  // The model snapshots in the local Hugging Face cache (no network), and what one folder holds.
  'models.local': { params: none, result: LocalModels },
  'models.inspect': { params: z.object({ path: absPath }).strict(), result: ModelFolderInfo },

  'project.create': { params: z.object({ dir: absPath, name: z.string().trim().min(1, 'a project name is required').max(200) }).strict(), result: ProjectInfo },
  'project.open': { params: z.object({ dir: absPath }).strict(), result: ProjectInfo },
  'project.close': { params: none, result: z.object({ closed: z.boolean() }) },
  'project.current': { params: none, result: ProjectInfo.nullable() },

  'steps.list': { params: none, result: z.array(StepInfo) },
  'artifacts.list': { params: z.object({ kinds: z.array(ArtifactKind).optional() }).strict(), result: z.array(Artifact) },
  'artifacts.lineage': { params: z.object({ artifactId: z.string().min(1) }).strict(), result: LineageNode },
  // The Hub id of a model artifact, or of an adapter's (or merged model's) base: what an upload will name.
  'artifacts.baseModelId': {
    params: z.object({ artifactId: z.string().min(1) }).strict(),
    result: z.object({
      baseArtifactId: z.string().nullable(),
      baseName: z.string().nullable(),
      hubId: z.string().nullable(),
      source: z.enum(['user', 'hf-cache', 'upload', 'adapter-config']).nullable(),
    }),
  },
  // Outputs: rename (unique per kind) and delete (refused, naming them, while something was made from it or a job reads it).
  'artifacts.rename': { params: z.object({ artifactId: z.string().min(1), name: z.string().trim().min(1, 'a name is required').max(200) }).strict(), result: Artifact },
  'artifacts.delete': { params: z.object({ artifactId: z.string().min(1) }).strict(), result: z.object({ deleted: z.literal(true), removedPath: z.string().nullable() }) },
  'artifacts.setHubId': { params: z.object({ artifactId: z.string().min(1), hubId: HubModelId.nullable() }).strict(), result: Artifact },

  'jobs.start': { params: JobStart, result: RunSummary },
  'jobs.list': { params: z.object({ step: StepId.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(), result: z.array(RunSummary) },
  'jobs.get': { params: z.object({ runId: z.string().min(1) }).strict(), result: RunDetail },
  'jobs.logs': { params: z.object({ runId: z.string().min(1), afterId: z.number().int().optional() }).strict(), result: z.array(RunLog) },
  'jobs.cancel': { params: z.object({ runId: z.string().min(1) }).strict(), result: RunSummary },
  // Train and rollout runs: stop keeping their work for a resume (status 'paused').
  'jobs.pause': { params: z.object({ runId: z.string().min(1) }).strict(), result: RunSummary },

  'system.report': { params: none, result: SystemReport },
  'system.setOnnxProvider': { params: z.object({ provider: OnnxProviderChoice }).strict(), result: AppState },
} as const;

export const methods = { ...appMethods, ...rolloutMethods, ...filterMethods, ...convertMethods, ...trainMethods, ...uploadMethods } as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;

// Events pushed from core to every connected renderer.
export const events = {
  'run.updated': RunSummary,
  'run.log': RunLog,
  'project.changed': ProjectInfo.nullable(),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
