// Root: loads app info, app state and the open project, then renders the
// themed shell. Everything is refetched when the connection to the core returns.
import { useMemo } from 'react';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import type { ThemeMode } from '../../../preload/contract';
import { useStudioEvent, useStudioQuery } from '../api/hooks';
import { AppContext, type StudioApp } from '../shared/AppContext';
import { Shell } from './Shell';
import { StartupScreen } from './StartupScreen';
import { createStudioTheme, type ResolvedMode } from './theme';

export function useResolvedMode(mode: ThemeMode): ResolvedMode {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  return mode === 'system' ? (prefersDark ? 'dark' : 'light') : mode;
}

export function App() {
  const info = useStudioQuery('app.info', {});
  const state = useStudioQuery('app.state', {});
  const project = useStudioQuery('project.current', {});
  useStudioEvent('project.changed', (p) => project.set(p));

  const mode = useResolvedMode(state.data?.theme ?? 'system');
  const theme = useMemo(() => createStudioTheme(mode), [mode]);

  const app: StudioApp | null =
    info.data && state.data && project.data !== undefined ? { info: info.data, state: state.data, setState: state.set, project: project.data, setProject: project.set } : null;

  const startupError = info.error ?? state.error ?? project.error;
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline enableColorScheme />
      {app ? (
        <AppContext.Provider value={app}>
          <Shell />
        </AppContext.Provider>
      ) : (
        <StartupScreen
          error={startupError}
          onRetry={() => {
            info.reload();
            state.reload();
            project.reload();
          }}
        />
      )}
    </ThemeProvider>
  );
}
