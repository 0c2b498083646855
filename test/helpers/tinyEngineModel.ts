// A tiny real-layout Qwen3-VL written by transformers (test/python/tiny_qwen3vl.py, Qwen's tokenizer and the
// Instruct template) and PEFT adapters for it written by PEFT, imported into a fresh project: what the engine
// policy and Evaluate tests play with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Studio } from '../../main/core/studio';
import { runPython } from './python';

/** A folder that lives for the whole test file (tempDir's are removed after each test); remove() at the end. */
export function fileScopedDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'studio-engine-policy-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function makeTinyModel(dir: string, seed = 3): Promise<string> {
  await runPython('engine_parity.py', { action: 'make_model', dir, tie: true, layers: 2, deepstack: [0], seed });
  return dir;
}

export async function makePeftAdapter(model: string, dir: string, seed: number, r = 4): Promise<string> {
  await runPython('engine_parity.py', { action: 'make_adapter', model, dir, r, alpha: 2 * r, seed, targets: ['q_proj', 'v_proj', 'down_proj'] });
  return dir;
}

/** A project holding the model as a base-model artifact and each adapter as an adapter artifact. */
export async function projectWith(root: string, model: string, adapters: string[]) {
  const studio = new Studio({ shell: 'server', configDir: join(root, 'config') });
  studio.createProject(join(root, 'project'), 'engine-policy');
  const { runner, project } = studio.requireProject();
  runner.start('artifact.import', { path: model, kind: 'base-model', mode: 'reference' });
  for (const a of adapters) runner.start('artifact.import', { path: a, kind: 'adapter', mode: 'reference' });
  await runner.idle();
  const base = project.store.listArtifacts(['base-model'])[0]!;
  const adapterRows = adapters.map((a) => project.store.listArtifacts(['adapter']).find((r) => r.path === a)!);
  return { studio, runner, project, base, adapters: adapterRows };
}
