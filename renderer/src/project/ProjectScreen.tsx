// Shown while no project is open: create one, open one, or pick a recent one.
import { useEffect, useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { ProjectInfo } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { useStudioApp } from '../shared/AppContext';
import { FolderField } from './FolderField';
import { RecentProjects } from './RecentProjects';

export function ProjectScreen() {
  const app = useStudioApp();
  const { setState, setProject } = app;
  const [createDir, setCreateDir] = useState('');
  const [name, setName] = useState('');
  const [openDir, setOpenDir] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The recent list changes whenever a project opens; read it fresh each time we show.
  useEffect(() => {
    studio.call('app.state', {}).then(setState, (err: unknown) => setError(errorText(err)));
  }, [setState]);

  // A project opened elsewhere (another window, the CLI) arrives as the
  // project.changed event, which App listens to for every screen.

  const run = (action: () => Promise<ProjectInfo>) => {
    setBusy(true);
    setError(null);
    action()
      .then((p) => setProject(p))
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };

  const create = (e: FormEvent) => {
    e.preventDefault();
    run(() => studio.call('project.create', { dir: createDir.trim(), name: name.trim() }));
  };
  const open = (e: FormEvent) => {
    e.preventDefault();
    run(() => studio.call('project.open', { dir: openDir.trim() }));
  };
  const forget = (dir: string) => {
    studio.call('app.forgetRecent', { dir }).then(setState, (err: unknown) => setError(errorText(err)));
  };

  return (
    <Box sx={{ maxWidth: 1040, mx: 'auto', p: { xs: 2, md: 4 } }}>
      <Typography variant="h5" component="h2" gutterBottom>
        Projects
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 3 }}>
        A project is a folder holding the studio database and every artifact your runs produce, with the lineage of each.
      </Typography>
      {error && (
        <Alert severity="error" data-testid="project-error" onClose={() => setError(null)} sx={{ mb: 2, whiteSpace: 'pre-wrap' }}>
          {error}
        </Alert>
      )}
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(340px, 1fr))', gap: 2, mb: 3 }}>
        <Card component="section" aria-labelledby="create-project-title">
          <CardContent component="form" onSubmit={create} noValidate>
            <Typography id="create-project-title" variant="h6" component="h3" gutterBottom>
              Create a project
            </Typography>
            <Stack spacing={2}>
              <FolderField
                id="project-dir"
                label="Project folder"
                value={createDir}
                onChange={setCreateDir}
                testId="project-dir-input"
                browseTitle="Choose a folder for the new project"
                helperText="A new or empty folder; it is created if missing."
                onError={setError}
              />
              <TextField id="project-name" label="Project name" value={name} onChange={(e) => setName(e.target.value)} size="small" fullWidth data-testid="project-name-input" />
              <Box>
                <Button type="submit" variant="contained" disabled={busy} data-testid="create-project">
                  Create project
                </Button>
              </Box>
            </Stack>
          </CardContent>
        </Card>
        <Card component="section" aria-labelledby="open-project-title">
          <CardContent component="form" onSubmit={open} noValidate>
            <Typography id="open-project-title" variant="h6" component="h3" gutterBottom>
              Open a project
            </Typography>
            <Stack spacing={2}>
              <FolderField
                id="open-dir"
                label="Existing project folder"
                value={openDir}
                onChange={setOpenDir}
                testId="open-dir-input"
                browseTitle="Open a studio project folder"
                helperText="The folder that holds studio.db."
                onError={setError}
              />
              <Box>
                <Button type="submit" variant="contained" disabled={busy} data-testid="open-project">
                  Open project
                </Button>
              </Box>
            </Stack>
          </CardContent>
        </Card>
      </Box>
      <Card component="section" aria-labelledby="recent-projects-title">
        <CardContent>
          <Typography id="recent-projects-title" variant="h6" component="h3" gutterBottom>
            Recent projects
          </Typography>
          <RecentProjects recents={app.state.recentProjects} busy={busy} onOpen={(dir) => run(() => studio.call('project.open', { dir }))} onForget={forget} />
        </CardContent>
      </Card>
    </Box>
  );
}
