// A local model's turn, the same for every local policy (ONNX, the engine): the
// prompt with its frame through the training chat template, tokenizer and image
// processor, one request to the batcher that shares model calls between episodes,
// the reply decoded. Sampling is seeded per turn so a rollout replays.
import { userTurnContent } from '../model/chat';
import { encodePrompt } from '../model/encode';
import type { TextSide } from '../model/templateAndTokenizer';
import type { GenerationBatcher } from '../onnx/batcher';
import { StudioError } from '../util/errors';
import { turnSeed } from './turnSeed';
import type { Act } from './types';

export interface Sampling {
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
}

export function batchedAct(batcher: GenerationBatcher, text: TextSide, s: Sampling): Act {
  const tok = text.tokenizer;
  if (!tok) throw new StudioError('bad_model', 'the model folder has no tokenizer.json');
  return async (_game, _env, prompt, frame, signal, at) => {
    const t0 = Date.now();
    const content = userTurnContent(prompt, true);
    if (!content) throw new StudioError('bad_prompt', `the prompt has ${prompt.split('<image>').length - 1} <image> placeholders but a turn has one frame`);
    const encoded = encodePrompt([{ role: 'user', content }], [frame], text);
    const r = await batcher.submit({ prompt: encoded, maxNewTokens: s.maxTokens, temperature: s.temperature, topP: s.topP, seed: turnSeed(s.seed, at) }, signal);
    return { text: tok.decode(r.tokens), promptTokens: encoded.inputIds.length, completionTokens: r.tokens.length, latencyMs: Date.now() - t0 };
  };
}
