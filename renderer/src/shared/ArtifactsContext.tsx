// The open project's artifacts, fetched once for every step page (ArtifactsProvider, one per
// project) and refetched whenever a run succeeds (it may have made one) and when a page renames
// or deletes one (notifyArtifactsChanged). useArtifacts(kinds) reads the kinds it shows from it,
// newest first as the core lists them.
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { Artifact, ArtifactKind } from '../../../preload/contract';
import { useStudioEvent, useStudioQuery } from '../api/hooks';

const CHANGED = 'studio:artifacts-changed';

export function notifyArtifactsChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

interface ArtifactsState {
  all: Artifact[];
  error: string | null;
  loading: boolean;
}

const Ctx = createContext<ArtifactsState | null>(null);

export function ArtifactsProvider({ children }: { children: ReactNode }) {
  const query = useStudioQuery('artifacts.list', {});
  useStudioEvent('run.updated', (run) => {
    if (run.status === 'succeeded') query.reload();
  });
  useEffect(() => {
    const on = () => query.reload();
    window.addEventListener(CHANGED, on);
    return () => window.removeEventListener(CHANGED, on);
  }, [query.reload]);
  const value = useMemo(() => ({ all: query.data ?? [], error: query.error, loading: query.loading && !query.data }), [query.data, query.error, query.loading]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The project's artifacts of these kinds (none asked: none). */
export function useArtifacts(kinds: ArtifactKind[]): { artifacts: Artifact[]; error: string | null; loading: boolean } {
  const s = useContext(Ctx);
  if (!s) throw new Error('useArtifacts outside <ArtifactsProvider>');
  const key = kinds.join(',');
  const enabled = kinds.length > 0;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const artifacts = useMemo(() => (enabled ? s.all.filter((a) => kinds.includes(a.kind)) : []), [s.all, key]);
  return { artifacts, error: enabled ? s.error : null, loading: enabled && s.loading };
}
