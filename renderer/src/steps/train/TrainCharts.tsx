// Live charts of a training run (chart.js): loss with validation loss,
// learning rate, gradient norm, tokens/s and the worker's memory. Refetched
// as the run reports progress (once per step).
import { useEffect, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { RunDetail } from '../../../../preload/contract';
import { useStudioEvent, useStudioQuery } from '../../api/hooks';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend);

type Metric = RunDetail['metrics'][number];

// NaN/inf points (value null) are left out of the lines; nonFinite() reports them.
function series(metrics: Metric[], name: string): { x: number; y: number }[] {
  return metrics
    .filter((m): m is Metric & { value: number } => m.name === name && m.value !== null)
    .sort((a, b) => a.step - b.step)
    .map((m) => ({ x: m.step, y: m.value }));
}

function nonFinite(metrics: Metric[]): string | null {
  const bad = metrics.filter((m) => m.nonFinite).sort((a, b) => a.step - b.step);
  if (!bad.length) return null;
  const first = bad[0]!;
  return `${first.name} became ${first.nonFinite === 'nan' ? 'NaN' : first.nonFinite} at step ${first.step}${bad.length > 1 ? ` (${bad.length} non-finite points)` : ''}`;
}

function LineChart({ title, lines, testId }: { title: string; lines: { label: string; data: { x: number; y: number }[] }[]; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'line', { x: number; y: number }[]> | null>(null);
  const theme = useTheme();
  const colors = [theme.palette.primary.main, theme.palette.secondary.main, theme.palette.success.main];
  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        plugins: { legend: { display: lines.length > 1, labels: { color: theme.palette.text.secondary } } },
        scales: { x: { type: 'linear', ticks: { color: theme.palette.text.secondary, precision: 0 } }, y: { ticks: { color: theme.palette.text.secondary } } },
      },
    });
    return () => chart.current?.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme]);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    // A series without points (no validation split, say) gets no legend entry; colours stay tied to the series.
    c.data.datasets = lines
      .map((l, i) => ({
        label: l.label,
        data: l.data,
        borderColor: colors[i % colors.length],
        backgroundColor: colors[i % colors.length],
        pointRadius: l.data.length < 40 ? 2 : 0,
        borderWidth: 1.5,
      }))
      .filter((d) => d.data.length > 0);
    c.update();
  });
  const points = lines.reduce((n, l) => n + l.data.length, 0);
  return (
    <Box
      sx={{ flex: '1 1 260px', minWidth: 240 }}
      data-testid={testId}
      data-points={points}
      data-series={lines
        .filter((l) => l.data.length)
        .map((l) => l.label)
        .join(',')}
    >
      <Typography variant="caption" color="text.secondary">
        {title}
      </Typography>
      <Box sx={{ height: 140 }}>
        <canvas ref={canvas} aria-label={`${title} chart`} role="img" />
      </Box>
    </Box>
  );
}

export function TrainCharts({ runId }: { runId: string }) {
  const [tick, setTick] = useState(0);
  const q = useStudioQuery('jobs.get', { runId }, { key: tick });
  useStudioEvent('run.updated', (r) => r.id === runId && setTick((t) => t + 1));
  const m = q.data?.metrics ?? [];
  const last = (name: string) => series(m, name).at(-1)?.y;
  const loss = last('loss');
  return (
    <Box sx={{ display: 'grid', gap: 1 }} data-testid="train-charts">
      <Typography variant="body2" data-testid="train-latest">
        {q.data?.run.title}: {q.data?.run.status}
        {loss !== undefined && `, step ${series(m, 'loss').at(-1)!.x}, loss ${loss.toFixed(4)}`}
        {last('val_loss') !== undefined && `, validation ${last('val_loss')!.toFixed(4)}`}
        {last('tokens_per_s') !== undefined && `, ${Math.round(last('tokens_per_s')!)} tokens/s`}
      </Typography>
      {nonFinite(m) && (
        <Typography variant="body2" color="error" data-testid="train-nonfinite">
          {nonFinite(m)}
        </Typography>
      )}
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
        <LineChart
          title="Loss"
          lines={[
            { label: 'train', data: series(m, 'loss') },
            { label: 'validation', data: series(m, 'val_loss') },
          ]}
          testId="train-chart-loss"
        />
        <LineChart title="Learning rate" lines={[{ label: 'lr', data: series(m, 'lr') }]} testId="train-chart-lr" />
        <LineChart title="Gradient norm" lines={[{ label: 'grad norm', data: series(m, 'grad_norm') }]} testId="train-chart-grad" />
        <LineChart title="Tokens/s" lines={[{ label: 'tokens/s', data: series(m, 'tokens_per_s') }]} testId="train-chart-tps" />
        <LineChart title="Trainer memory (MB)" lines={[{ label: 'RSS', data: series(m, 'rss_mb') }]} testId="train-chart-mem" />
      </Box>
    </Box>
  );
}
