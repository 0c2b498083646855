// A windowed list: only the rows in view are in the DOM, so 10k trajectories
// scroll as smoothly as 10. Rows are fetched a page at a time.
import { useEffect, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { TrajectorySummary } from '../../../../preload/contract';

// Two lines: which sample it is (seed and sample index, or file and index), then its numbers.
export const ROW_HEIGHT = 52;
const OVERSCAN = 6;

interface Props {
  total: number;
  itemAt: (i: number) => TrajectorySummary | undefined;
  selected: number;
  onSelect: (i: number) => void;
  height?: number;
}

export function TrajectoryList({ total, itemAt, selected, onSelect, height = 420 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  // Keep the selected row in view when it moves by keyboard.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const y = selected * ROW_HEIGHT;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_HEIGHT > el.scrollTop + height) el.scrollTop = y + ROW_HEIGHT - height;
  }, [selected, height]);
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++) {
    const t = itemAt(i);
    const accepted = t ? t.decision === 'accept' || (t.decision === null && t.passes) : false;
    rows.push(
      <Box
        key={i}
        role="option"
        aria-selected={i === selected}
        data-testid={`review-row-${i}`}
        data-id={t?.id}
        onClick={() => onSelect(i)}
        sx={{
          position: 'absolute',
          top: i * ROW_HEIGHT,
          left: 0,
          right: 0,
          height: ROW_HEIGHT,
          px: 1.5,
          display: 'flex',
          alignItems: 'center',
          gap: 1,
          cursor: 'pointer',
          borderBottom: 1,
          borderColor: 'divider',
          bgcolor: i === selected ? 'action.selected' : undefined,
          '&:hover': { bgcolor: 'action.hover' },
        }}
      >
        {t ? (
          <>
            <Box
              sx={{
                width: 10,
                height: 10,
                borderRadius: '50%',
                flexShrink: 0,
                bgcolor: t.decision === 'reject' || (!t.decision && !t.passes) ? 'error.main' : accepted ? 'success.main' : 'grey.500',
              }}
            />
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <Typography variant="body2" noWrap sx={{ fontWeight: 600 }} title={t.source === 'import' ? `${t.sourceFile} #${t.sourceIndex}` : undefined}>
                {t.source === 'import' ? `#${t.sourceIndex} of ${t.sourceFile?.split(/[\\/]/).pop()}` : `seed ${t.seed ?? '—'} · sample ${t.sampleIndex}`}
                <Typography component="span" variant="caption" color="text.secondary">
                  {' '}
                  · {t.game}
                </Typography>
              </Typography>
              <Typography variant="caption" color={t.failedRules.length && !t.decision ? 'error' : 'text.secondary'} noWrap component="div" title={t.failedRules.join('; ')}>
                {t.success ? 'won' : 'lost'} · {t.length} turns · R {t.return.toFixed(1)}
                {t.decision ? ` · ${t.decision}ed` : t.failedRules.length ? ` · fails: ${t.failedRules[0]}` : ''}
              </Typography>
            </Box>
          </>
        ) : (
          <Typography variant="caption" color="text.secondary">
            …
          </Typography>
        )}
      </Box>,
    );
  }
  return (
    <Box
      ref={box}
      role="listbox"
      aria-label="Trajectories"
      data-testid="review-list"
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      sx={{ height, overflowY: 'auto', position: 'relative', border: 1, borderColor: 'divider', borderRadius: 1 }}
    >
      <Box sx={{ height: total * ROW_HEIGHT, position: 'relative' }}>{rows}</Box>
    </Box>
  );
}
