// The review: buttons beside the keys (j/k turn, n/p trajectory, a accept, r reject, c clear,
// e note, u undo), sort and text search, bulk accept/reject of the listed set with undo.
// Decisions are stored at once and override the rules for that trajectory.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { DecisionState, FilterRules, ReviewQuery, ReviewView, TrajectorySummary, TurnView } from '../../../../preload/contract';
import { errorText, studio } from '../../api/client';
import { TrajectoryList } from './TrajectoryList';
import { TrajectoryView } from './TrajectoryView';

const PAGE = 200;
type View = ReviewView;

interface Props {
  rules: FilterRules;
  view: View;
  onView: (v: View) => void;
  query: ReviewQuery;
  onQuery: (q: ReviewQuery) => void;
  onDecided: () => void;
}

export function ReviewPanel({ rules, view, onView: setView, query, onQuery, onDecided }: Props) {
  const [total, setTotal] = useState(0);
  const [undo, setUndo] = useState<{ label: string; items: DecisionState[] }[]>([]);
  const [bulk, setBulk] = useState<'accept' | 'reject' | null>(null);
  const [search, setSearch] = useState(query.search ?? '');
  const [reloads, setReloads] = useState(0);
  const pages = useRef(new Map<number, TrajectorySummary[]>());
  const loading = useRef(new Set<number>());
  const [, setTick] = useState(0);
  const [index, setIndex] = useState(0);
  const [turn, setTurn] = useState(0);
  const [detail, setDetail] = useState<{ trajectory: TrajectorySummary; turns: TurnView[] } | null>(null);
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify({ rules, view, query, reloads });
  // Search as one types, without a query per key.
  useEffect(() => {
    const t = setTimeout(() => (search || '') !== (query.search ?? '') && onQuery({ ...query, search: search || undefined }), 250);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const loadPage = useCallback(
    (p: number) => {
      if (loading.current.has(p)) return;
      loading.current.add(p);
      studio
        .call('review.list', { rules, view, offset: p * PAGE, limit: PAGE, query })
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

  // New rules, view or query: start over from the first page (after an undo, stay where we were).
  const keepIndex = useRef(false);
  useEffect(() => {
    pages.current = new Map();
    loading.current = new Set();
    if (!keepIndex.current) setIndex(0);
    keepIndex.current = false;
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
    void studio.call('review.trajectory', { id: current.id, rules }).then(
      (d) => live && setDetail(d),
      (e: unknown) => setError(errorText(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current?.id, reloads]);

  const decide = (decision: 'accept' | 'reject' | null, newNote?: string | null, clear = false): void => {
    if (!current) return;
    const before: DecisionState = { id: current.id, decision: current.decision, note: current.note };
    const next = clear ? null : (decision ?? current.decision);
    void studio.call('review.decide', { id: current.id, decision: next, note: newNote === undefined ? undefined : newNote }).then(
      () => {
        setUndo((u) => [...u.slice(-49), { label: clear ? 'clear' : newNote !== undefined ? 'note' : (decision ?? 'decision'), items: [before] }]);
        const updated = { ...current, decision: next, note: newNote === undefined ? current.note : newNote };
        const p = pages.current.get(Math.floor(index / PAGE));
        if (p) p[index % PAGE] = updated;
        setDetail((d) => (d ? { ...d, trajectory: { ...d.trajectory, decision: updated.decision, note: updated.note } } : d));
        setTick((t) => t + 1);
        onDecided();
      },
      (e: unknown) => setError(errorText(e)),
    );
  };

  const undoLast = (): void => {
    const last = undo[undo.length - 1];
    if (!last) return;
    void studio.call('review.restore', { items: last.items }).then(
      () => {
        setUndo((u) => u.slice(0, -1));
        keepIndex.current = true;
        setReloads((r) => r + 1);
        onDecided();
      },
      (e: unknown) => setError(errorText(e)),
    );
  };

  const decideAll = (decision: 'accept' | 'reject'): void => {
    setBulk(null);
    void studio.call('review.decideMany', { rules, view, query, decision }).then(
      (r) => {
        setUndo((u) => [...u.slice(-49), { label: `${decision} all ${r.count}`, items: r.previous }]);
        setReloads((x) => x + 1);
        onDecided();
      },
      (e: unknown) => setError(errorText(e)),
    );
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const target = e.target as HTMLElement;
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || e.altKey) return;
    if ((e.ctrlKey || e.metaKey) && e.key === 'z') return (e.preventDefault(), undoLast());
    if (e.ctrlKey || e.metaKey) return;
    const turns = detail?.turns.length ?? 0;
    const handled = true;
    switch (e.key) {
      case 'j':
        setTurn((t) => Math.min(turns - 1, t + 1));
        break;
      case 'k':
        setTurn((t) => Math.max(0, t - 1));
        break;
      case 'n':
        setIndex((i) => Math.min(total - 1, i + 1));
        break;
      case 'p':
        setIndex((i) => Math.max(0, i - 1));
        break;
      case 'a':
        decide('accept');
        break;
      case 'r':
        decide('reject');
        break;
      case 'c':
        decide(null, undefined, true);
        break;
      case 'u':
        undoLast();
        break;
      case 'e':
        setNote(current?.note ?? '');
        setNoteOpen(true);
        break;
      default:
        return;
    }
    if (handled) e.preventDefault();
  };

  return (
    <Box
      tabIndex={0}
      onKeyDown={onKey}
      data-testid="review-panel"
      aria-label="Review: j/k turn, n/p trajectory, a accept, r reject, e note"
      sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, outline: 'none', '&:focus-visible': { outline: 2, outlineColor: 'primary.main' } }}
    >
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField
          select
          size="small"
          label="Show"
          value={view}
          onChange={(e) => setView(e.target.value as View)}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'review-view-select' } }}
        >
          <option value="all">all</option>
          <option value="accepted">accepted</option>
          <option value="rejected">rejected</option>
          <option value="undecided">without a decision</option>
        </TextField>
        <TextField
          select
          size="small"
          label="Sort by"
          value={`${query.sort ?? 'order'}:${query.descending ? 'desc' : 'asc'}`}
          onChange={(e) => {
            const [sort, dir] = e.target.value.split(':');
            onQuery({ ...query, sort: sort as ReviewQuery['sort'], descending: dir === 'desc' });
          }}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'review-sort-select' } }}
        >
          <option value="order:asc">rollout order</option>
          <option value="return:desc">return, highest first</option>
          <option value="return:asc">return, lowest first</option>
          <option value="length:asc">length, shortest first</option>
          <option value="length:desc">length, longest first</option>
          <option value="score:desc">task score, highest first</option>
          <option value="score:asc">task score, lowest first</option>
        </TextField>
        <TextField
          size="small"
          label="Search prompts, thinking, actions"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          sx={{ minWidth: 260, flex: '1 1 260px' }}
          slotProps={{ htmlInput: { 'data-testid': 'review-search-input', spellCheck: false } }}
        />
        <Typography variant="body2" color="text.secondary" data-testid="review-count">
          {total ? `Trajectory ${index + 1} of ${total} listed` : 'None listed'}
        </Typography>
      </Box>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Button size="small" variant="contained" color="success" disabled={!current} onClick={() => decide('accept')} data-testid="review-accept" title="a">
          Accept (a)
        </Button>
        <Button size="small" variant="contained" color="error" disabled={!current} onClick={() => decide('reject')} data-testid="review-reject" title="r">
          Reject (r)
        </Button>
        <Button size="small" variant="outlined" disabled={!current?.decision} onClick={() => decide(null, undefined, true)} data-testid="review-clear" title="c">
          Clear decision (c)
        </Button>
        <Button
          size="small"
          variant="outlined"
          disabled={!current}
          onClick={() => {
            setNote(current?.note ?? '');
            setNoteOpen(true);
          }}
          data-testid="review-note-button"
        >
          Note (e)
        </Button>
        <Button size="small" variant="outlined" disabled={!undo.length} onClick={undoLast} data-testid="review-undo" title="u or Ctrl+Z">
          Undo{undo.length ? ` ${undo[undo.length - 1]!.label}` : ''} (u)
        </Button>
        <Box sx={{ flex: 1 }} />
        <Button size="small" variant="outlined" color="success" disabled={!total} onClick={() => setBulk('accept')} data-testid="review-accept-all">
          Accept all {total} listed
        </Button>
        <Button size="small" variant="outlined" color="error" disabled={!total} onClick={() => setBulk('reject')} data-testid="review-reject-all">
          Reject all {total} listed
        </Button>
      </Box>
      <Typography variant="caption" color="text.secondary">
        Keys (click the list first): j/k turn · n/p trajectory · a accept · r reject · c clear · e note · u undo
      </Typography>
      {error && (
        <Typography color="error" variant="body2">
          {error}
        </Typography>
      )}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '340px 1fr' }, gap: 2 }}>
        <TrajectoryList total={total} itemAt={itemAt} selected={index} onSelect={setIndex} />
        {detail && current ? (
          <TrajectoryView t={detail.trajectory} turns={detail.turns} turn={Math.min(turn, Math.max(0, detail.turns.length - 1))} />
        ) : (
          <Typography variant="body2" color="text.secondary">
            {total ? 'Loading…' : 'No trajectories match. Run a rollout or import trajectory files.'}
          </Typography>
        )}
      </Box>
      <Dialog open={bulk !== null} onClose={() => setBulk(null)}>
        <DialogTitle>
          {bulk === 'accept' ? 'Accept' : 'Reject'} all {total} listed trajectories?
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2">This sets the decision of every trajectory the list shows now (its rules, view and search). Undo puts each one back as it was.</Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setBulk(null)}>Cancel</Button>
          <Button variant="contained" color={bulk === 'accept' ? 'success' : 'error'} data-testid="review-bulk-confirm" onClick={() => bulk && decideAll(bulk)}>
            {bulk === 'accept' ? 'Accept' : 'Reject'} {total}
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog open={noteOpen} onClose={() => setNoteOpen(false)}>
        <DialogTitle>Note on this trajectory</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            multiline
            minRows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'review-note-input' } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setNoteOpen(false)}>Cancel</Button>
          <Button
            data-testid="review-note-save"
            variant="contained"
            onClick={() => {
              decide(current?.decision ?? null, note.trim() || null);
              setNoteOpen(false);
            }}
          >
            Save
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
