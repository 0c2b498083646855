// What every page needs to know about the app: its info, its persisted state
// (theme, recents, last step) and the open project. App provides it; pages read it
// through the hooks below, never as props.
import { createContext, useContext } from 'react';
import type { AppInfo, AppState, ProjectInfo, ThemeMode } from '../../../preload/contract';
import { studio } from '../api/client';

export interface StudioApp {
  info: AppInfo;
  state: AppState;
  setState: (state: AppState) => void;
  project: ProjectInfo | null;
  setProject: (project: ProjectInfo | null) => void;
}

export const AppContext = createContext<StudioApp | null>(null);

export function useStudioApp(): StudioApp {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useStudioApp outside <AppContext.Provider>');
  return ctx;
}

/** The open project (null on the project screen). */
export function useProject(): ProjectInfo | null {
  return useStudioApp().project;
}

/** The theme choice and how to change it: shown at once, kept by the core, put back if the core refuses. */
export function useThemeChoice(): { theme: ThemeMode; choose: (theme: ThemeMode, onError?: (err: unknown) => void) => void } {
  const app = useStudioApp();
  const choose = (theme: ThemeMode, onError?: (err: unknown) => void): void => {
    const previous = app.state;
    app.setState({ ...previous, theme });
    studio.call('app.setTheme', { theme }).then(app.setState, (err: unknown) => {
      app.setState(previous);
      onError?.(err);
    });
  };
  return { theme: app.state.theme, choose };
}
