// Success rate per policy as bars (chart.js), with the 95 % interval in the tooltip; the best one in the
// success colour.
import { useEffect, useRef } from 'react';
import Box from '@mui/material/Box';
import { useTheme } from '@mui/material/styles';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { PolicyScore } from '../../../../preload/contract';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export function EvaluationChart({ policies, best }: { policies: PolicyScore[]; best: string | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useTheme();
  useEffect(() => {
    if (!canvas.current) return;
    const text = theme.palette.text.secondary;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: policies.map((p) => p.label),
        datasets: [
          {
            label: 'success rate (%)',
            data: policies.map((p) => p.successRate * 100),
            backgroundColor: policies.map((p) => (p.key === best ? theme.palette.success.main : theme.palette.primary.main)),
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              afterLabel: (c) => {
                const p = policies[c.dataIndex]!;
                return `95 % CI ${(p.successLow * 100).toFixed(0)}–${(p.successHigh * 100).toFixed(0)} %`;
              },
            },
          },
        },
        scales: { x: { ticks: { color: text } }, y: { min: 0, max: 100, ticks: { color: text }, title: { display: true, text: 'success %', color: text } } },
      },
    });
    return () => chart.destroy();
  }, [policies, best, theme]);
  return (
    <Box sx={{ height: 180 }} data-testid="evaluation-chart" data-bars={policies.length}>
      <canvas ref={canvas} aria-label="Success rate per policy" role="img" />
    </Box>
  );
}
