// The keyboard-driven review: j/k previous/next turn, n/p next/previous
// trajectory, a accept, r reject, e note. Decisions are stored at once and
// override the rules for that trajectory.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { FilterRules, TrajectorySummary, TurnView } from '../../../../preload/contract';
import { errorText, studio } from '../../api/client';
import { TrajectoryList } from './TrajectoryList';
import { TrajectoryView } from './TrajectoryView';

const PAGE = 200;
type View = 'all' | 'accepted' | 'rejected' | 'undecided';

export function ReviewPanel({ rules, onDecided }: { rules: FilterRules; onDecided: () => void }) {
  const [view, setView] = useState<View>('all');
  const [total, setTotal] = useState(0);
  const pages = useRef(new Map<number, TrajectorySummary[]>());
  const loading = useRef(new Set<number>());
  const [, setTick] = useState(0);
  const [index, setIndex] = useState(0);
  const [turn, setTurn] = useState(0);
  const [detail, setDetail] = useState<{ trajectory: TrajectorySummary; turns: TurnView[] } | null>(null);
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify({ rules, view });

  const loadPage = useCallback(
    (p: number) => {
      if (loading.current.has(p)) return;
      loading.current.add(p);
      studio
        .call('review.list', { rules, view, offset: p * PAGE, limit: PAGE })
        .then((r) => {
          pages.current.set(p, r.items);
          setTotal(r.total);
          setTick((t) => t + 1);
        })
        .catch((e: unknown) => setError(errorText(e)))
        .finally(() => loading.current.delete(p));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );

  // New rules or view: start over from the first page.
  useEffect(() => {
    pages.current = new Map();
    loading.current = new Set();
    setIndex(0);
    loadPage(0);
  }, [loadPage]);

  const itemAt = (i: number): TrajectorySummary | undefined => {
    const p = Math.floor(i / PAGE);
    const page = pages.current.get(p);
    if (!page) {
      loadPage(p);
      return undefined;
    }
    return page[i % PAGE];
  };

  const current = itemAt(index);
  useEffect(() => {
    if (!current) return setDetail(null);
    let live = true;
    setTurn(0);
    void studio.call('review.trajectory', { id: current.id, rules }).then((d) => live && setDetail(d), (e: unknown) => setError(errorText(e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current?.id]);

  const decide = (decision: 'accept' | 'reject' | null, newNote?: string | null): void => {
    if (!current) return;
    void studio
      .call('review.decide', { id: current.id, decision: decision ?? current.decision, note: newNote === undefined ? undefined : newNote })
      .then(() => {
        const updated = { ...current, decision: decision ?? current.decision, note: newNote === undefined ? current.note : newNote };
        const p = pages.current.get(Math.floor(index / PAGE));
        if (p) p[index % PAGE] = updated;
        setDetail((d) => (d ? { ...d, trajectory: { ...d.trajectory, decision: updated.decision, note: updated.note } } : d));
        setTick((t) => t + 1);
        onDecided();
      }, (e: unknown) => setError(errorText(e)));
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const target = e.target as HTMLElement;
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || e.altKey || e.ctrlKey || e.metaKey) return;
    const turns = detail?.turns.length ?? 0;
    const handled = true;
    switch (e.key) {
      case 'j': setTurn((t) => Math.min(turns - 1, t + 1)); break;
      case 'k': setTurn((t) => Math.max(0, t - 1)); break;
      case 'n': setIndex((i) => Math.min(total - 1, i + 1)); break;
      case 'p': setIndex((i) => Math.max(0, i - 1)); break;
      case 'a': decide('accept'); break;
      case 'r': decide('reject'); break;
      case 'e': setNote(current?.note ?? ''); setNoteOpen(true); break;
      default: return;
    }
    if (handled) e.preventDefault();
  };

  return (
    <Box tabIndex={0} onKeyDown={onKey} data-testid="review-panel" aria-label="Review: j/k turn, n/p trajectory, a accept, r reject, e note"
      sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, outline: 'none', '&:focus-visible': { outline: 2, outlineColor: 'primary.main' } }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField select size="small" label="Show" value={view} onChange={(e) => setView(e.target.value as View)} slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'review-view-select' } }}>
          <option value="all">all</option>
          <option value="accepted">accepted</option>
          <option value="rejected">rejected</option>
          <option value="undecided">without a decision</option>
        </TextField>
        <Typography variant="body2" color="text.secondary" data-testid="review-count">{total} trajectories · {total ? index + 1 : 0} selected</Typography>
        <Typography variant="caption" color="text.secondary" sx={{ ml: 'auto' }}>Keys: j/k turn · n/p trajectory · a accept · r reject · e note</Typography>
      </Box>
      {error && <Typography color="error" variant="body2">{error}</Typography>}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '340px 1fr' }, gap: 2 }}>
        <TrajectoryList total={total} itemAt={itemAt} selected={index} onSelect={setIndex} />
        {detail && current ? <TrajectoryView t={detail.trajectory} turns={detail.turns} turn={Math.min(turn, Math.max(0, detail.turns.length - 1))} /> : <Typography variant="body2" color="text.secondary">{total ? 'Loading…' : 'No trajectories match. Run a rollout or import trajectory files.'}</Typography>}
      </Box>
      <Dialog open={noteOpen} onClose={() => setNoteOpen(false)}>
        <DialogTitle>Note on this trajectory</DialogTitle>
        <DialogContent>
          <TextField autoFocus fullWidth multiline minRows={3} value={note} onChange={(e) => setNote(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'review-note-input' } }} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setNoteOpen(false)}>Cancel</Button>
          <Button data-testid="review-note-save" variant="contained" onClick={() => { decide(current?.decision ?? null, note.trim() || null); setNoteOpen(false); }}>Save</Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
