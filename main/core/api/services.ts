// What the API handlers need from the studio: the app's state and the open
// project. An interface, so handlers depend on it and not on the Studio class.
import type { ProjectInfo, StepId, ThemeMode } from '../../../preload/contract';
import type { JobRunner } from '../jobs/jobRunner';
import type { AppStateStore } from '../project/appState';
import type { Project } from '../project/project';
import type { TokenStore } from '../steps/upload/tokenStore';

export interface StudioServices {
  readonly version: string;
  readonly homeDir: string;
  readonly options: { shell: 'electron' | 'server'; pickFolder?: (title: string) => Promise<string | null> };
  readonly appState: AppStateStore;
  readonly tokenStore: TokenStore;
  readonly project: Project | null;
  requireProject(): { project: Project; runner: JobRunner };
  createProject(dir: string, name: string): ProjectInfo;
  openProject(dir: string): ProjectInfo;
  closeProject(): Promise<boolean>;
  setTheme(theme: ThemeMode): void;
  setLastStep(step: StepId): void;
}
