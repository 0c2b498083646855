// What every page needs to know about the app: its info, its persisted state
// (theme, recents, last step) and the open project.
import { createContext, useContext } from 'react';
import type { AppInfo, AppState, ProjectInfo } from '../../../preload/contract';

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
