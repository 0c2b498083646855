// The app bar: project name, theme toggle, System page, Jobs panel, close project.
import { useState } from 'react';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { errorText, studio } from '../api/client';
import { useStudioApp, useThemeChoice } from '../shared/AppContext';
import { ListIcon, MonitorIcon, MoonIcon, SunIcon } from './icons';

interface Props {
  systemOpen: boolean;
  onToggleSystem: () => void;
  jobsOpen: boolean;
  onToggleJobs: () => void;
  onError: (message: string) => void;
}

export function TopBar({ systemOpen, onToggleSystem, jobsOpen, onToggleJobs, onError }: Props) {
  const app = useStudioApp();
  const resolved = useTheme().palette.mode;
  const [closing, setClosing] = useState(false);
  const next = resolved === 'dark' ? 'light' : 'dark';

  const themeChoice = useThemeChoice();
  // Shown at once; the core's answer confirms what it stored.
  const toggleTheme = () => themeChoice.choose(next, (err) => onError(errorText(err)));

  const closeProject = () => {
    setClosing(true);
    studio
      .call('project.close', {})
      .then(
        () => app.setProject(null),
        (err: unknown) => onError(errorText(err)),
      )
      .finally(() => setClosing(false));
  };

  return (
    <AppBar position="static" color="primary" elevation={0}>
      <Toolbar variant="dense" sx={{ gap: 1 }}>
        <Typography variant="h6" component="h1" sx={{ fontSize: '1.05rem', whiteSpace: 'nowrap', mr: 1 }}>
          VLM SFT Studio
        </Typography>
        <Typography
          data-testid="current-project-name"
          title={app.project?.dir}
          sx={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', opacity: 0.9 }}
        >
          {app.project ? `— ${app.project.name}` : '— no project open'}
        </Typography>
        <Tooltip title={`Switch to the ${next} theme`}>
          <IconButton color="inherit" onClick={toggleTheme} aria-label={`Switch to the ${next} theme`} data-testid="theme-toggle">
            {resolved === 'dark' ? <SunIcon /> : <MoonIcon />}
          </IconButton>
        </Tooltip>
        <Button
          color="inherit"
          startIcon={<MonitorIcon />}
          onClick={onToggleSystem}
          aria-pressed={systemOpen}
          data-testid="nav-system"
          sx={{ bgcolor: systemOpen ? 'rgba(255,255,255,0.16)' : undefined }}
        >
          System
        </Button>
        <Tooltip title="Show or hide the jobs panel (Alt+J)">
          <Button
            color="inherit"
            startIcon={<ListIcon />}
            onClick={onToggleJobs}
            aria-pressed={jobsOpen}
            aria-keyshortcuts="Alt+J"
            data-testid="nav-jobs"
            sx={{ bgcolor: jobsOpen ? 'rgba(255,255,255,0.16)' : undefined }}
          >
            Jobs
          </Button>
        </Tooltip>
        {app.project && (
          <Box sx={{ ml: 1 }}>
            <Button color="inherit" variant="outlined" size="small" onClick={closeProject} disabled={closing} data-testid="close-project">
              Close project
            </Button>
          </Box>
        )}
      </Toolbar>
    </AppBar>
  );
}
