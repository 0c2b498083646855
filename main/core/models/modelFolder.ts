// What a model folder is, read from its config.json and safetensors headers only (no
// weights loaded): architecture, parameter count, dtype, bytes, and whether the studio
// can fine-tune it (Qwen3-VL only), with the reason when it cannot.
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hubIdFromCachePath } from '../lineage/hubId';

export interface ModelFolderInfo {
  path: string;
  architecture: string | null;
  modelType: string | null;
  dtype: string | null;
  parameters: number | null;
  sizeBytes: number;
  hubId: string | null;
  supported: boolean;
  /** Why it cannot be used as a Qwen3-VL base; null when it can. */
  reason: string | null;
}

const QWEN3VL_TYPES = new Set(['qwen3_vl']);
const QWEN3VL_ARCHS = new Set(['Qwen3VLForConditionalGeneration']);

function readJson(file: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Sum of tensor elements in one safetensors file's header; null when the header is not valid. */
function safetensorsParams(file: string): number | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const len = Buffer.alloc(8);
    if (readSync(fd, len, 0, 8, 0) !== 8) return null;
    const n = Number(len.readBigUInt64LE(0));
    if (n <= 1 || n > 100 * 1024 * 1024) return null;
    const head = Buffer.alloc(n);
    readSync(fd, head, 0, n, 8);
    const json = JSON.parse(head.toString('utf8')) as Record<string, { shape?: number[] }>;
    let total = 0;
    for (const [k, t] of Object.entries(json)) if (k !== '__metadata__' && Array.isArray(t.shape)) total += t.shape.reduce((a, b) => a * b, 1);
    return total;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** The reason a config is not a Qwen3-VL checkpoint, or null when it is (or says nothing either way). */
export function unsupportedReason(architecture: string | null, modelType: string | null): string | null {
  if (architecture && QWEN3VL_ARCHS.has(architecture)) return null;
  if (modelType && QWEN3VL_TYPES.has(modelType)) return null;
  if (!architecture && !modelType) return null;
  const what = architecture ?? `model_type ${modelType}`;
  return `${what} is not Qwen3-VL: the studio fine-tunes Qwen3VLForConditionalGeneration (model_type qwen3_vl) checkpoints only`;
}

export function inspectModelFolder(dir: string): ModelFolderInfo {
  const cfg = readJson(join(dir, 'config.json'));
  const archs = cfg?.architectures;
  const architecture = Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : null;
  const modelType = typeof cfg?.model_type === 'string' ? cfg.model_type : null;
  const text = (cfg?.text_config ?? {}) as Record<string, unknown>;
  // transformers 5 writes "dtype", 4.x "torch_dtype"; Qwen3-VL keeps it in text_config too.
  const dtypeOf = (o: Record<string, unknown> | null | undefined) => (o ? (o.dtype ?? o.torch_dtype) : undefined);
  const dt = dtypeOf(cfg) ?? dtypeOf(text);
  let sizeBytes = 0;
  let parameters: number | null = 0;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.safetensors')) : [];
  for (const f of files) {
    sizeBytes += statSync(join(dir, f)).size; // follows the cache's snapshot -> blob links
    const p = safetensorsParams(join(dir, f));
    parameters = p === null || parameters === null ? null : parameters + p;
  }
  if (!files.length) parameters = null;
  const reason = !cfg ? 'no readable config.json in this folder' : !files.length ? 'no *.safetensors weights in this folder' : unsupportedReason(architecture, modelType);
  return {
    path: dir,
    architecture,
    modelType,
    dtype: typeof dt === 'string' ? dt : null,
    parameters,
    sizeBytes,
    hubId: hubIdFromCachePath(dir),
    supported: reason === null,
    reason,
  };
}
