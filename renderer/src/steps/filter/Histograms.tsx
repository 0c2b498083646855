// Histograms of task score, length and return over every trajectory (chart.js).
import Box from '@mui/material/Box';
import type { FilterPreview } from '../../../../preload/contract';
import { HistogramChart } from '../../wizard/HistogramChart';

export function Histograms({ preview }: { preview: FilterPreview }) {
  return (
    <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
      <HistogramChart title="Task score" h={preview.histograms.taskScore} testId="hist-score" />
      <HistogramChart title="Length (turns)" h={preview.histograms.length} testId="hist-length" />
      <HistogramChart title="Return" h={preview.histograms.return} testId="hist-return" />
    </Box>
  );
}
