// One evaluation's numbers, a row per policy; the best engine policy marked, with a button that takes
// its checkpoint to the Merge step.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { EvaluationResult } from '../../../../preload/contract';
import { EvaluationChart } from './EvaluationChart';
import { handOffToMerge } from './mergeHandoff';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function EvaluationTable({ result }: { result: EvaluationResult }) {
  const best = result.policies.find((p) => p.key === result.best);
  return (
    <Box sx={{ display: 'grid', gap: 1 }} data-testid="evaluation-result">
      <Typography variant="body2" color={result.overlap.seeds.length ? 'warning.main' : 'text.secondary'} data-testid="evaluation-overlap">
        {result.game}, {result.seeds.length} levels (seeds {result.seeds[0]}–{result.seeds.at(-1)}): {result.overlap.note}
      </Typography>
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Evaluation per policy">
          <TableHead>
            <TableRow>
              {['Policy', 'Success (95 % CI)', 'Mean return', 'Invalid actions', 'Format-valid', 'Mean turns', 'Tokens/s', ''].map((h, i) => (
                <TableCell key={i}>{h}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {result.policies.map((p) => (
              <TableRow key={p.key} selected={p.key === result.best} data-testid={`evaluation-row-${p.kind}`}>
                <TableCell>
                  {p.label} {p.key === result.best && <Chip size="small" color="success" label="best" data-testid="evaluation-best" />}
                </TableCell>
                <TableCell>
                  {pct(p.successRate)} ({(p.successLow * 100).toFixed(0)}–{(p.successHigh * 100).toFixed(0)} %), {p.wins}/{p.episodes}
                </TableCell>
                <TableCell>{p.meanReturn.toFixed(2)}</TableCell>
                <TableCell>{pct(p.invalidActionRate)}</TableCell>
                <TableCell>{pct(p.formatValidRate)}</TableCell>
                <TableCell>{p.meanTurns.toFixed(1)}</TableCell>
                <TableCell>{p.tokensPerS === null ? '–' : p.tokensPerS.toFixed(0)}</TableCell>
                <TableCell>
                  {p.kind === 'adapter' && p.artifactId && (
                    <Button size="small" data-testid={`evaluation-merge-${p.label}`} onClick={() => handOffToMerge(p.artifactId!)}>
                      Merge
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
      <EvaluationChart policies={result.policies} best={result.best} />
      {best?.kind === 'adapter' && best.artifactId && (
        <Box>
          <Button size="small" variant="outlined" data-testid="evaluation-merge-best" onClick={() => handOffToMerge(best.artifactId!)}>
            Merge the best checkpoint ({best.label})
          </Button>
        </Box>
      )}
    </Box>
  );
}
