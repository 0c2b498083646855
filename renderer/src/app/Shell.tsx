// Layout once the core has answered: app bar, disconnection banner, the main
// area (project screen, wizard or system page) and the jobs panel.
import { useEffect, useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Snackbar from '@mui/material/Snackbar';
import { JobsPanel } from '../jobs/JobsPanel';
import { ProjectScreen } from '../project/ProjectScreen';
import { SystemPage } from '../system/SystemPage';
import { Wizard } from '../wizard/Wizard';
import { useStudioApp } from '../shared/AppContext';
import { ArtifactsProvider } from '../shared/ArtifactsContext';
import { DisconnectedBanner } from './DisconnectedBanner';
import { ShellContext } from '../shared/ShellContext';
import { TopBar } from './TopBar';
import { useLocalFlag } from './useLocalFlag';

export function Shell() {
  const app = useStudioApp();
  const [systemOpen, setSystemOpen] = useState(false);
  const [jobsOpen, setJobsOpen] = useLocalFlag('studio.jobsPanelOpen', false);
  const [notice, setNotice] = useState<string | null>(null);
  const shell = useMemo(() => ({ openJobs: () => setJobsOpen(true) }), [setJobsOpen]);

  // Alt+J toggles the jobs panel from anywhere.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyJ') {
        e.preventDefault();
        setJobsOpen((v) => !v);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setJobsOpen]);

  let content;
  if (app.project) {
    // Keyed by project: switching projects starts the wizard (and its artifact list) afresh.
    content = (
      <ArtifactsProvider key={app.project.id}>
        <Wizard showSystem={systemOpen} onStepChosen={() => setSystemOpen(false)} />
      </ArtifactsProvider>
    );
  } else {
    content = <Box sx={{ overflow: 'auto', flex: 1 }}>{systemOpen ? <SystemPage /> : <ProjectScreen />}</Box>;
  }

  return (
    <ShellContext.Provider value={shell}>
      <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
        <TopBar systemOpen={systemOpen} onToggleSystem={() => setSystemOpen((v) => !v)} jobsOpen={jobsOpen} onToggleJobs={() => setJobsOpen((v) => !v)} onError={setNotice} />
        <DisconnectedBanner />
        <Box sx={{ flex: 1, minHeight: 0, display: 'flex' }}>
          <Box component="main" sx={{ flex: 1, minWidth: 0, display: 'flex' }}>
            {content}
          </Box>
          {jobsOpen && <JobsPanel onClose={() => setJobsOpen(false)} />}
        </Box>
        <Snackbar open={notice !== null} autoHideDuration={8000} onClose={() => setNotice(null)}>
          <Alert severity="error" onClose={() => setNotice(null)} sx={{ maxWidth: 560 }}>
            {notice}
          </Alert>
        </Snackbar>
      </Box>
    </ShellContext.Provider>
  );
}
