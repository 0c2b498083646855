// Histograms of task score, length and return over every trajectory (chart.js).
import { useEffect, useRef } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { FilterPreview } from '../../../../preload/contract';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

function Hist({ title, h, testId }: { title: string; h: FilterPreview['histograms']['length']; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useTheme();
  useEffect(() => {
    if (!canvas.current) return;
    const labels = h.counts.map((_, i) => `${fmt(h.edges[i]!)}–${fmt(h.edges[i + 1] ?? h.edges[i]!)}`);
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: [{ data: h.counts, backgroundColor: theme.palette.primary.main }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { color: theme.palette.text.secondary, maxTicksLimit: 6 } }, y: { ticks: { color: theme.palette.text.secondary, precision: 0 } } },
      },
    });
    return () => chart.destroy();
  }, [h, theme]);
  return (
    <Box sx={{ flex: '1 1 240px', minWidth: 220 }} data-testid={testId}>
      <Typography variant="caption" color="text.secondary">{title}</Typography>
      <Box sx={{ height: 120 }}>
        <canvas ref={canvas} aria-label={`${title} histogram`} role="img" />
      </Box>
    </Box>
  );
}

const fmt = (x: number): string => (Math.abs(x) >= 10 || Number.isInteger(x) ? x.toFixed(0) : x.toFixed(1));

export function Histograms({ preview }: { preview: FilterPreview }) {
  return (
    <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
      <Hist title="Task score" h={preview.histograms.taskScore} testId="hist-score" />
      <Hist title="Length (turns)" h={preview.histograms.length} testId="hist-length" />
      <Hist title="Return" h={preview.histograms.return} testId="hist-return" />
    </Box>
  );
}
