// The first samples as the model will see them: the rendered chat template with
// the loss regions highlighted, frames inline with their resized size and token
// count, and the token-length histogram with the max-length limit marked.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { ConvertPreview, Params } from '../../../../preload/contract';
import { useStudioQuery } from '../../api/hooks';
import { HistogramChart } from '../../wizard/HistogramChart';

type Sample = ConvertPreview['samples'][number];

function SampleView({ s }: { s: Sample }) {
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="convert-sample">
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
        <Typography variant="subtitle2" sx={{ fontFamily: 'monospace' }}>
          {s.key}
        </Typography>
        <Chip size="small" label={s.split} />
        <Chip size="small" label={`${s.tokens} tokens (${s.textTokens} text + ${s.imageTokens} image)`} data-testid="convert-sample-tokens" />
        {s.overLength && <Chip size="small" color="error" label="over max length" />}
      </Box>
      <Box component="pre" sx={{ m: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontSize: 12, fontFamily: 'monospace' }}>
        {s.segments.map((g, i) =>
          g.kind === 'image' ? (
            <Box key={i} component="span" sx={{ display: 'inline-flex', flexDirection: 'column', verticalAlign: 'middle', mx: 0.5 }}>
              <img src={s.images[g.index]?.src} alt={`frame ${g.index + 1}`} width={96} height={96} style={{ imageRendering: 'pixelated' }} data-testid="convert-sample-image" />
              <Typography variant="caption" color="text.secondary">
                {s.images[g.index] &&
                  `${s.images[g.index]!.width}×${s.images[g.index]!.height} → ${s.images[g.index]!.resizedWidth}×${s.images[g.index]!.resizedHeight}, ${s.images[g.index]!.tokens} tokens`}
              </Typography>
            </Box>
          ) : (
            <Box
              key={i}
              component="span"
              data-loss={g.loss ? 'true' : undefined}
              sx={g.loss ? { bgcolor: 'success.main', color: 'success.contrastText', borderRadius: 0.5 } : { color: 'text.secondary' }}
            >
              {g.text}
            </Box>
          ),
        )}
      </Box>
    </Paper>
  );
}

export function ConvertPreviewPanel({ params }: { params: Params<'convert.preview'> }) {
  const q = useStudioQuery('convert.preview', params);
  if (q.loading && !q.data) return <LinearProgress />;
  if (q.error)
    return (
      <Alert severity="error" data-testid="convert-preview-error" sx={{ wordBreak: 'break-word' }}>
        {q.error}
      </Alert>
    );
  const p = q.data;
  if (!p) return null;
  const st = p.stats;
  return (
    <Box sx={{ display: 'grid', gap: 1.5 }} data-testid="convert-preview-panel">
      <Typography variant="body2" data-testid="convert-stats">
        {st.complete ? '' : `First ${st.episodes} episodes: `}
        {st.samples} samples ({st.train} train, {st.validation} validation) from {st.episodes} episodes; {st.overLength} over {st.maxTokens} tokens. Template: {p.templateSource};{' '}
        {p.exactTokens ? 'exact token counts' : 'estimated text tokens'}.
      </Typography>
      {p.warnings.map((w) => (
        <Alert key={w} severity="warning">
          {w}
        </Alert>
      ))}
      <HistogramChart title="Tokens per sample (red: over the max length)" h={st.histogram} marker={st.maxTokens} testId="convert-token-hist" />
      <Typography variant="caption" color="text.secondary">
        Highlighted text is where the loss applies.
      </Typography>
      {p.samples.map((s) => (
        <SampleView key={s.key} s={s} />
      ))}
    </Box>
  );
}
