// Where an artifact came from: the run that produced it and, recursively, that
// run's inputs. Loaded on demand; an imported artifact simply has no producer.
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import type { LineageNode } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { formatTime, shortSha } from '../util/format';

function NodeView({ node, depth }: { node: LineageNode; depth: number }) {
  const a = node.artifact;
  return (
    <Box component="li" sx={{ listStyle: 'none', pl: depth ? 2 : 0, borderLeft: depth ? 2 : 0, borderColor: 'divider', mt: 0.5 }}>
      <Typography variant="body2">
        <b>{a.name}</b>{' '}
        <Box component="span" sx={{ color: 'text.secondary' }}>
          ({a.kind}, sha256 {shortSha(a.sha256)})
        </Box>
      </Typography>
      {node.producedBy ? (
        <>
          <Typography variant="caption" color="text.secondary" component="div">
            ← made by run “{node.producedBy.run.title}” ({node.producedBy.run.status}, {formatTime(node.producedBy.run.finishedAt ?? node.producedBy.run.createdAt)})
            {node.producedBy.inputs.length === 0 && ', which read no other artifact'}
          </Typography>
          {node.producedBy.inputs.length > 0 && (
            <Box component="ul" sx={{ m: 0, p: 0 }}>
              {node.producedBy.inputs.map((n) => (
                <NodeView key={n.artifact.id} node={n} depth={depth + 1} />
              ))}
            </Box>
          )}
        </>
      ) : (
        <Typography variant="caption" color="text.secondary" component="div">
          ← imported, not made by a run in this project
        </Typography>
      )}
    </Box>
  );
}

export function LineageView({ artifactId }: { artifactId: string }) {
  const [node, setNode] = useState<LineageNode | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    studio.call('artifacts.lineage', { artifactId }).then(
      (n) => live && setNode(n),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [artifactId]);

  if (error) return <Alert severity="error">{error}</Alert>;
  if (!node) return <CircularProgress size={18} aria-label="Loading lineage" />;
  return (
    <Box component="ul" sx={{ m: 0, p: 0 }} aria-label="Lineage" data-testid={`lineage-${artifactId}`}>
      <NodeView node={node} depth={0} />
    </Box>
  );
}
