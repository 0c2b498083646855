// Step: Filter & review — rules with live counts and histograms, a keyboard
// review of every turn, and the export of the accepted set.
import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { FilterPreview, FilterRules, ReviewQuery, ReviewView } from '../../../../preload/contract';
import { errorText, studio } from '../../api/client';
import { useStudioEvent, useStudioQuery } from '../../api/hooks';
import { StepPage, type StepPageProps } from '../../wizard/StepPage';
import { ExportDatasetForm } from './ExportDatasetForm';
import { ImportTrajectoriesForm } from './ImportTrajectoriesForm';
import { Histograms } from './Histograms';
import { ReviewPanel } from './ReviewPanel';
import { RulesEditor } from './RulesEditor';

function FilterActions() {
  const [rules, setRules] = useState<FilterRules>({ success: true });
  const [view, setView] = useState<ReviewView>('all');
  const [query, setQuery] = useState<ReviewQuery>({});
  // Rules, view, sort and search come back as the user left them in this project.
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    studio.call('review.state', {}).then(
      (s) => {
        if (s) (setRules(s.rules), setView(s.view), setQuery(s.query));
        setRestored(true);
      },
      () => setRestored(true),
    );
  }, []);
  useEffect(() => {
    if (!restored) return;
    const t = setTimeout(() => void studio.call('review.setState', { rules, view, query }).catch(() => undefined), 300);
    return () => clearTimeout(t);
  }, [restored, rules, view, query]);
  const sources = useStudioQuery('review.sources', {});
  const [preview, setPreview] = useState<FilterPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [filterName, setFilterName] = useState('');
  const saved = useStudioQuery('review.filters', {});
  // Re-count shortly after the last edit, and when a rollout or import finishes.
  useEffect(() => {
    const t = setTimeout(() => {
      studio.call('review.preview', { rules }).then(
        (p) => (setPreview(p), setError(null)),
        (e: unknown) => setError(errorText(e)),
      );
    }, 150);
    return () => clearTimeout(t);
  }, [rules, tick]);
  useStudioEvent('run.updated', (r) => r.status === 'succeeded' && (r.kind === 'rollout.run' || r.kind === 'rollout.import') && (setTick((x) => x + 1), sources.reload()));

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Typography variant="subtitle2">Import trajectories you already have</Typography>
      <ImportTrajectoriesForm />
      <Divider />
      <Typography variant="subtitle2">Rules</Typography>
      <RulesEditor rules={rules} onChange={setRules} />
      <TextField
        select
        size="small"
        label="From"
        value={rules.rolloutIds?.[0] ?? ''}
        sx={{ maxWidth: 520 }}
        onChange={(e) => setRules({ ...rules, rolloutIds: e.target.value ? [e.target.value] : undefined })}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'rule-rollout' }, inputLabel: { shrink: true } }}
      >
        <option value="">every rollout and import</option>
        {(sources.data ?? []).map((s) => (
          <option key={s.rolloutId} value={s.rolloutId}>
            {s.label} ({s.count})
          </option>
        ))}
      </TextField>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" data-testid="filter-counts">
          {preview ? `${preview.passing} of ${preview.total} pass the rules · ${preview.accepted} accepted after decisions` : 'Counting…'}
        </Typography>
        <TextField size="small" label="Save rules as" value={filterName} onChange={(e) => setFilterName(e.target.value)} sx={{ ml: 'auto' }} />
        <Button
          size="small"
          variant="outlined"
          disabled={!filterName.trim()}
          onClick={() =>
            void studio.call('review.saveFilter', { name: filterName.trim(), rules }).then(
              () => saved.reload(),
              (e: unknown) => setError(errorText(e)),
            )
          }
        >
          Save filter
        </Button>
        {(saved.data ?? []).map((f) => (
          <Button key={f.id} size="small" onClick={() => setRules(f.rules)}>
            {f.name}
          </Button>
        ))}
      </Box>
      {error && (
        <Typography color="error" variant="body2">
          {error}
        </Typography>
      )}
      {preview && preview.total > 0 && <Histograms preview={preview} />}
      <Divider />
      <Typography variant="subtitle2">Review</Typography>
      {restored && <ReviewPanel rules={rules} view={view} onView={setView} query={query} onQuery={setQuery} onDecided={() => setTick((x) => x + 1)} />}
      <Divider />
      <Typography variant="subtitle2">Export the accepted set</Typography>
      <ExportDatasetForm rules={rules} accepted={preview?.accepted ?? 0} />
    </Box>
  );
}

export function FilterStep(props: StepPageProps) {
  return <StepPage {...props} actions={<FilterActions />} />;
}
