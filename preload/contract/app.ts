// The app around the steps: projects, app-wide state, the list of wizard steps, the System page's
// report and the folder browser of server mode.
import { z } from 'zod';
import { ArtifactKind } from './artifacts';

export const STEP_IDS = ['rollout', 'filter', 'convert', 'train', 'upload', 'merge', 'rl'] as const;
export const StepId = z.enum(STEP_IDS);
export type StepId = z.infer<typeof StepId>;

export const ProjectInfo = z.object({
  id: z.string(),
  name: z.string(),
  dir: z.string(),
  createdAt: z.string(),
  schemaVersion: z.number().int(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

export const RecentProject = z.object({ dir: z.string(), name: z.string(), openedAt: z.string() });
export type RecentProject = z.infer<typeof RecentProject>;

export const ThemeMode = z.enum(['light', 'dark', 'system']);
export type ThemeMode = z.infer<typeof ThemeMode>;

// Where local ONNX models run: 'auto' = the first accelerator present, else the CPU.
export const ONNX_PROVIDERS = ['cpu', 'cuda', 'coreml', 'dml'] as const;
export const OnnxProviderChoice = z.enum(['auto', ...ONNX_PROVIDERS]);
export type OnnxProviderChoice = z.infer<typeof OnnxProviderChoice>;

export const AppState = z.object({
  recentProjects: z.array(RecentProject),
  theme: ThemeMode,
  lastStep: StepId.nullable(),
  onnxProvider: OnnxProviderChoice,
});
export type AppState = z.infer<typeof AppState>;

export const AppInfo = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'server']),
  platform: z.string(),
  homeDir: z.string(),
  canPickFolderNatively: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const StepInput = z.object({ kind: ArtifactKind, label: z.string(), required: z.boolean() });
export const StepInfo = z.object({
  id: StepId,
  index: z.number().int(),
  title: z.string(),
  summary: z.string(),
  inputs: z.array(StepInput),
  outputs: z.array(ArtifactKind),
  // Job kinds this step can start today; empty when its actions arrive later.
  jobKinds: z.array(z.string()),
  // Said plainly when the step's own actions are not in this build yet.
  pending: z.string().nullable(),
  settings: z.array(z.object({ name: z.string(), value: z.string(), note: z.string().nullable() })),
});
export type StepInfo = z.infer<typeof StepInfo>;

export const CpuInfo = z.object({ model: z.string(), logicalCores: z.number(), features: z.array(z.string()) });
export const SystemReport = z.object({
  addon: z.object({ loaded: z.boolean(), path: z.string().nullable(), error: z.string().nullable(), version: z.string().nullable() }),
  node: z.object({ version: z.string(), electron: z.string().nullable(), platform: z.string(), arch: z.string() }),
  cpu: CpuInfo.nullable(),
  memory: z.object({ totalBytes: z.number() }).nullable(),
  cuda: z
    .object({
      usable: z.boolean(),
      reason: z.string(),
      driverVersion: z.number().nullable(),
      devices: z.array(z.object({ index: z.number(), name: z.string(), totalMemoryBytes: z.number(), computeCapability: z.string() })),
    })
    .nullable(),
  libtorch: z.object({ usable: z.boolean(), reason: z.string(), path: z.string().nullable(), version: z.string().nullable(), cuda: z.boolean() }).nullable(),
  training: z.object({ available: z.boolean(), reason: z.string() }),
  onnx: z.object({
    version: z.string().nullable(),
    providers: z.array(z.object({ id: z.enum(ONNX_PROVIDERS), available: z.boolean(), reason: z.string() })),
    selected: OnnxProviderChoice,
  }),
  warnings: z.array(z.string()),
});
export type SystemReport = z.infer<typeof SystemReport>;

export const DirEntry = z.object({ name: z.string(), path: z.string(), isProject: z.boolean() });
export const DirListing = z.object({ path: z.string(), parent: z.string().nullable(), dirs: z.array(DirEntry), isProject: z.boolean() });
export type DirListing = z.infer<typeof DirListing>;
