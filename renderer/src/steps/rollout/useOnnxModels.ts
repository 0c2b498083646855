// The project's models with an ONNX export, refetched whenever a run succeeds
// (an import or a merge may have added one).
import { useStudioEvent, useStudioQuery } from '../../api/hooks';

export function useOnnxModels() {
  const query = useStudioQuery('rollout.onnxModels', {});
  useStudioEvent('run.updated', (run) => {
    if (run.status === 'succeeded') query.reload();
  });
  return query;
}
