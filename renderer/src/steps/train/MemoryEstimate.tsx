// The memory a run will need, shown before it starts, next to this machine's GPUs.
import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import type { Params } from '../../../../preload/contract';
import { useStudioQuery } from '../../api/hooks';

const gb = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GB`;

export function MemoryEstimate({ params }: { params: Params<'train.estimate'> | null }) {
  const q = useStudioQuery('train.estimate', params ?? { baseArtifactId: '' }, { enabled: !!params });
  if (!params || !q.data) return null;
  const e = q.data;
  const fits = e.gpus.map((g) => `${g.name} (${gb(g.totalMemoryBytes)}): ${e.totalBytes < g.totalMemoryBytes * 0.92 ? 'fits' : 'does not fit'}`);
  return (
    <Alert severity={e.gpus.length && e.gpus.every((g) => e.totalBytes >= g.totalMemoryBytes * 0.92) ? 'warning' : 'info'} data-testid="train-memory" sx={{ gridColumn: '1 / -1' }}>
      <Typography variant="body2">
        About {gb(e.totalBytes)}: weights {gb(e.weightsBytes)}, LoRA with gradients and AdamW {gb(e.loraBytes)}, activations {gb(e.activationBytes)} for {e.seqLen} tokens a sample
        ({e.seqLenSource}).
      </Typography>
      <Typography variant="caption">{fits.length ? fits.join('; ') : 'No CUDA GPU on this machine: this is what the run needs in RAM on the CPU.'}</Typography>
    </Alert>
  );
}
