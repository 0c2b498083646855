// A small bar chart of a histogram ({edges, counts}) with chart.js, themed.
import { useEffect, useRef } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

import { binLabels, type Histogram } from './binLabels';

export type { Histogram };

/** `marker` draws bins at or past it in the error colour (e.g. samples over a length limit). */
export function HistogramChart({ title, h, testId, marker, height = 120 }: { title: string; h: Histogram; testId: string; marker?: number; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useTheme();
  useEffect(() => {
    if (!canvas.current) return;
    const labels = binLabels(h);
    const colors = h.counts.map((_, i) => (marker !== undefined && (h.edges[i + 1] ?? Infinity) > marker ? theme.palette.error.main : theme.palette.primary.main));
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: [{ data: h.counts, backgroundColor: colors }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { color: theme.palette.text.secondary, maxTicksLimit: 6 } }, y: { ticks: { color: theme.palette.text.secondary, precision: 0 } } },
      },
    });
    return () => chart.destroy();
  }, [h, theme, marker]);
  return (
    <Box sx={{ flex: '1 1 240px', minWidth: 220 }} data-testid={testId}>
      <Typography variant="caption" color="text.secondary">
        {title}
      </Typography>
      <Box sx={{ height }}>
        <canvas ref={canvas} aria-label={`${title} histogram`} role="img" />
      </Box>
    </Box>
  );
}
