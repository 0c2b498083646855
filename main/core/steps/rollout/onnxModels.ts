// The project's models the local ONNX policy can play: imported ONNX exports,
// and base or merged model folders that carry an export in onnx/. A folder of
// the wrong layout is listed with the reason, not hidden.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OnnxModelEntry } from '../../../../preload/contract';
import { toArtifact } from '../../lineage/artifacts';
import { GRAPHS, inspectOnnxExport } from '../../onnx/exportFolder';
import type { Project } from '../../project/project';
import { errorMessage } from '../../util/errors';

export function onnxModels(project: Project): OnnxModelEntry[] {
  const out: OnnxModelEntry[] = [];
  for (const row of project.store.listArtifacts(['onnx-model', 'merged-model', 'base-model'])) {
    const artifact = toArtifact(project, row);
    if (artifact.kind !== 'onnx-model' && !existsSync(join(artifact.path, 'onnx'))) continue;
    try {
      const exp = inspectOnnxExport(artifact.path);
      // Variants every graph has: the ones a user can pick for the whole model.
      const variants = exp.present[GRAPHS[0]].filter((v) => GRAPHS.every((g) => exp.present[g].includes(v)));
      out.push({ artifact, variants, error: null });
    } catch (err) {
      out.push({ artifact, variants: [], error: errorMessage(err) });
    }
  }
  return out;
}
