// The three sessions of an ONNX Qwen-VL export, checked against what the
// runtime feeds them: names and element types are read from the graphs, so a
// graph of another layout fails here, naming its file and the input or output.
import type * as Ort from 'onnxruntime-node';
import { type TextSide, loadTextSide } from '../model/templateAndTokenizer';
import { StudioError } from '../util/errors';
import { type GraphName, type OnnxExport, type Variant, inspectOnnxExport } from './exportFolder';
import { executionProviders, ort, resolveProvider, type ProviderId } from './ort';

export type FloatType = 'float32' | 'float16';

export interface OnnxVlmOptions {
  variant?: Variant | 'auto';
  provider?: ProviderId | 'auto';
  /** Intra-op threads for the CPU provider (0: onnxruntime's default). */
  threads?: number;
}

interface Io {
  session: Ort.InferenceSession;
  file: string;
  inputs: Map<string, Ort.InferenceSession.ValueMetadata>;
}

export interface KvLayout {
  heads: number;
  headDim: number;
  type: FloatType;
}

function floatType(io: Io, name: string): FloatType {
  const m = io.inputs.get(name) ?? null;
  const t = m && m.isTensor ? m.type : 'float32';
  if (t !== 'float32' && t !== 'float16') throw new StudioError('onnx_layout', `${io.file}: input ${name} is ${t}; expected float32 or float16`);
  return t;
}

function need(io: Io, kind: 'input' | 'output', names: string[]): void {
  const have = kind === 'input' ? io.session.inputNames : io.session.outputNames;
  for (const n of names) if (!have.includes(n)) throw new StudioError('onnx_layout', `${io.file}: has no ${kind} named ${n} (its ${kind}s: ${have.join(', ')})`);
}

export class OnnxVlm {
  readonly gridInput: string;
  readonly pixelType: FloatType;
  readonly embedType: FloatType;
  readonly kv: KvLayout;
  /** Optional decoder inputs some exporters add. */
  readonly hasPositionIds: boolean;
  readonly logitsToKeep: string | null;
  readonly useCacheBranch: boolean;

  private constructor(
    readonly exp: OnnxExport,
    readonly provider: ProviderId,
    readonly text: TextSide,
    readonly vision: Io,
    readonly embed: Io,
    readonly decoder: Io,
  ) {
    need(vision, 'output', ['image_features']);
    need(vision, 'input', ['pixel_values']);
    const grid = ['grid_thw', 'image_grid_thw'].find((n) => vision.session.inputNames.includes(n));
    if (!grid) throw new StudioError('onnx_layout', `${vision.file}: has no input grid_thw or image_grid_thw (its inputs: ${vision.session.inputNames.join(', ')})`);
    this.gridInput = grid;
    this.pixelType = floatType(vision, 'pixel_values');
    need(embed, 'input', ['input_ids']);
    need(embed, 'output', ['inputs_embeds']);
    need(decoder, 'input', ['inputs_embeds', 'attention_mask']);
    need(decoder, 'output', ['logits']);
    this.embedType = floatType(decoder, 'inputs_embeds');
    const L = exp.numLayers;
    const past = Array.from({ length: L }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat();
    need(decoder, 'input', past);
    need(decoder, 'output', Array.from({ length: L }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat());
    const extraPast = decoder.session.inputNames.filter((n) => n.startsWith('past_key_values.') && !past.includes(n));
    if (extraPast.length)
      throw new StudioError('onnx_layout', `${decoder.file}: has ${extraPast.length} more past_key_values inputs than the ${L} layers config.json gives (e.g. ${extraPast[0]})`);
    this.hasPositionIds = decoder.session.inputNames.includes('position_ids');
    this.logitsToKeep = ['num_logits_to_keep', 'logits_to_keep'].find((n) => decoder.session.inputNames.includes(n)) ?? null;
    this.useCacheBranch = decoder.session.inputNames.includes('use_cache_branch');
    const known = new Set(['inputs_embeds', 'attention_mask', 'position_ids', 'use_cache_branch', ...past, ...(this.logitsToKeep ? [this.logitsToKeep] : [])]);
    const unknown = decoder.session.inputNames.filter((n) => !known.has(n));
    if (unknown.length)
      throw new StudioError(
        'onnx_layout',
        `${decoder.file}: input ${unknown[0]} is not one a Qwen-VL decoder of this layout takes (inputs: ${decoder.session.inputNames.join(', ')})`,
      );
    this.kv = this.kvLayout();
  }

  private kvLayout(): KvLayout {
    const m = this.decoder.inputs.get('past_key_values.0.key');
    const shape = m && m.isTensor ? m.shape : [];
    const text = { ...this.exp.config, ...((this.exp.config.text_config as Record<string, unknown>) ?? {}) };
    const cfgHeads = (text.num_key_value_heads ?? text.num_attention_heads) as number | undefined;
    const cfgDim = (text.head_dim ??
      (typeof text.hidden_size === 'number' && typeof text.num_attention_heads === 'number' ? text.hidden_size / text.num_attention_heads : undefined)) as number | undefined;
    const heads = typeof shape[1] === 'number' ? shape[1] : cfgHeads;
    const headDim = typeof shape[3] === 'number' ? shape[3] : cfgDim;
    if (!heads || !headDim)
      throw new StudioError('onnx_layout', `${this.decoder.file}: the key/value cache shape is not fixed in the graph and config.json gives no num_key_value_heads/head_dim`);
    return { heads, headDim, type: floatType(this.decoder, 'past_key_values.0.key') };
  }

  static async open(dir: string, o: OnnxVlmOptions = {}): Promise<OnnxVlm> {
    const exp = inspectOnnxExport(dir, o.variant ?? 'auto');
    const provider = resolveProvider(o.provider ?? 'auto');
    const text = loadTextSide(dir);
    if (!text.tokenizer) throw new StudioError('onnx_layout', `${dir}/tokenizer.json: missing`);
    const rt = ort();
    const options: Ort.InferenceSession.SessionOptions = { executionProviders: executionProviders(provider), graphOptimizationLevel: 'all' };
    if (o.threads) options.intraOpNumThreads = o.threads;
    const openOne = async (g: GraphName): Promise<Io> => {
      const file = exp.files[g];
      try {
        const session = await rt.InferenceSession.create(file, options);
        return { session, file, inputs: new Map(session.inputMetadata.map((m) => [m.name, m])) };
      } catch (err) {
        throw new StudioError('onnx_load', `${file}: onnxruntime could not load it (${provider} provider): ${(err as Error).message}`);
      }
    };
    const [vision, embed, decoder] = [await openOne('vision_encoder'), await openOne('embed_tokens'), await openOne('decoder_model_merged')];
    try {
      return new OnnxVlm(exp, provider, text, vision, embed, decoder);
    } catch (err) {
      await Promise.all([vision, embed, decoder].map((io) => io.session.release()));
      throw err;
    }
  }

  async release(): Promise<void> {
    await Promise.all([this.vision, this.embed, this.decoder].map((io) => io.session.release()));
  }
}
