// Lets any page open the jobs panel (e.g. right after starting a job).
import { createContext, useContext } from 'react';

export interface ShellActions {
  openJobs: () => void;
}

export const ShellContext = createContext<ShellActions>({ openJobs: () => undefined });

export function useShell(): ShellActions {
  return useContext(ShellContext);
}
