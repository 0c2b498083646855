// Artifacts of some kinds, refetched whenever a run succeeds (it may have made one) and
// when this page renames or deletes one (notifyArtifactsChanged).
import { useEffect } from 'react';
import type { ArtifactKind } from '../../../preload/contract';
import { useStudioEvent, useStudioQuery } from '../api/hooks';

const CHANGED = 'studio:artifacts-changed';

export function notifyArtifactsChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

export function useArtifacts(kinds: ArtifactKind[]) {
  const enabled = kinds.length > 0;
  const query = useStudioQuery('artifacts.list', { kinds }, { enabled });
  useStudioEvent('run.updated', (run) => {
    if (enabled && run.status === 'succeeded') query.reload();
  });
  useEffect(() => {
    if (!enabled) return;
    const on = () => query.reload();
    window.addEventListener(CHANGED, on);
    return () => window.removeEventListener(CHANGED, on);
  }, [enabled, query.reload]);
  return { artifacts: query.data ?? [], error: query.error, loading: enabled && query.loading && !query.data };
}
