// Artifacts of some kinds, refetched whenever a run succeeds (it may have made one).
import type { ArtifactKind } from '../../../preload/contract';
import { useStudioEvent, useStudioQuery } from '../api/hooks';

export function useArtifacts(kinds: ArtifactKind[]) {
  const enabled = kinds.length > 0;
  const query = useStudioQuery('artifacts.list', { kinds }, { enabled });
  useStudioEvent('run.updated', (run) => {
    if (enabled && run.status === 'succeeded') query.reload();
  });
  return { artifacts: query.data ?? [], error: query.error, loading: enabled && query.loading && !query.data };
}
