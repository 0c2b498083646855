// App-wide state outside any project: recent projects, theme, last step and
// the window's bounds. One small JSON file in the user's config folder.
import { readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppState, OnnxProviderChoice, StepId, ThemeMode, type RecentProject } from '../../../preload/contract';
import { writeFileAtomic, existsSync } from '../util/fileSystem';
import { nowIso } from '../util/time';

const MAX_RECENT = 12;

export const WindowBounds = z.object({
  x: z.number().optional(),
  y: z.number().optional(),
  width: z.number().min(400),
  height: z.number().min(300),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof WindowBounds>;

const StateFile = z.object({
  recentProjects: AppState.shape.recentProjects.default([]),
  theme: ThemeMode.default('system'),
  lastStep: StepId.nullable().default(null),
  window: WindowBounds.nullable().default(null),
  onnxProvider: OnnxProviderChoice.default('auto'),
});
type StateFile = z.infer<typeof StateFile>;

/** Where app state lives: STUDIO_HOME if set, else the platform's config folder. */
export function defaultConfigDir(): string {
  if (process.env.STUDIO_HOME) return process.env.STUDIO_HOME;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'VLM SFT Studio');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'VLM SFT Studio');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'vlm-sft-studio');
}

export class AppStateStore {
  private state: StateFile;
  readonly file: string;
  readonly warnings: string[] = [];

  constructor(configDir = defaultConfigDir()) {
    this.file = join(configDir, 'state.json');
    this.state = this.load();
  }

  private load(): StateFile {
    if (!existsSync(this.file)) return StateFile.parse({});
    try {
      return StateFile.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (err) {
      // Keep the unreadable file for the user; start fresh rather than refuse to run.
      const aside = `${this.file}.unreadable-${Date.now()}`;
      renameSync(this.file, aside);
      this.warnings.push(`app state ${this.file} could not be read (${(err as Error).message}); moved aside to ${aside}`);
      return StateFile.parse({});
    }
  }

  private save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.state, null, 2));
  }

  snapshot(): AppState {
    return { recentProjects: [...this.state.recentProjects], theme: this.state.theme, lastStep: this.state.lastStep, onnxProvider: this.state.onnxProvider };
  }

  rememberProject(dir: string, name: string): void {
    const entry: RecentProject = { dir, name, openedAt: nowIso() };
    this.state.recentProjects = [entry, ...this.state.recentProjects.filter((p) => p.dir !== dir)].slice(0, MAX_RECENT);
    this.save();
  }
  forgetProject(dir: string): void {
    this.state.recentProjects = this.state.recentProjects.filter((p) => p.dir !== dir);
    this.save();
  }
  setTheme(theme: ThemeMode): void {
    this.state.theme = theme;
    this.save();
  }
  setOnnxProvider(p: OnnxProviderChoice): void {
    this.state.onnxProvider = p;
    this.save();
  }
  setLastStep(step: StepId): void {
    this.state.lastStep = step;
    this.save();
  }
  windowBounds(): WindowBounds | null {
    return this.state.window;
  }
  setWindowBounds(bounds: WindowBounds): void {
    this.state.window = bounds;
    this.save();
  }
}
