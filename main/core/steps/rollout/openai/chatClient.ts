// A client for any OpenAI-compatible chat endpoint with image inputs (vLLM,
// SGLang, Ollama, LM Studio): timeouts, retries with exponential backoff on
// rate limits, server errors and network failures, and errors that say where.
import { CancelledError, StudioError } from '../../../util/errors';

export interface EndpointSettings {
  baseUrl: string; // e.g. http://127.0.0.1:8000/v1
  model: string;
  apiKey?: string;
  temperature: number;
  topP: number;
  maxTokens: number;
  timeoutMs: number;
  retries: number;
  backoffMs?: number; // first retry delay; doubles each time
}

export type ChatContent = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };
/** A message as the OpenAI chat API takes it (images as data URLs); the studio's own chat is model/chat.ts. */
export interface OpenAIMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatContent[];
}

export interface ChatReply {
  text: string;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  attempts: number;
}

const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

function endpoint(baseUrl: string): string {
  const b = baseUrl.replace(/\/+$/, '');
  return b.endsWith('/chat/completions') ? b : `${b}/chat/completions`;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new CancelledError())), { once: true });
  });

/** Sends one chat completion request (one sample), retrying what is worth retrying. */
export async function chatCompletion(s: EndpointSettings, messages: OpenAIMessage[], signal?: AbortSignal): Promise<ChatReply> {
  const url = endpoint(s.baseUrl);
  const body = JSON.stringify({ model: s.model, messages, temperature: s.temperature, top_p: s.topP, max_tokens: s.maxTokens, n: 1 });
  let lastError = '';
  for (let attempt = 1; attempt <= s.retries + 1; attempt++) {
    if (signal?.aborted) throw new CancelledError();
    const started = Date.now();
    const timeout = AbortSignal.timeout(s.timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status = 0;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {}) },
        body,
        signal: both,
      });
      status = res.status;
      const text = await res.text();
      if (!res.ok) {
        lastError = `${url} answered HTTP ${res.status}: ${text.slice(0, 300)}`;
        if (!RETRYABLE.has(res.status)) throw new StudioError('endpoint_error', lastError);
      } else {
        let json: { choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: number; completion_tokens?: number } };
        try {
          json = JSON.parse(text);
        } catch {
          throw new StudioError('endpoint_error', `${url} answered with something that is not JSON: ${text.slice(0, 200)}`);
        }
        const content = json.choices?.[0]?.message?.content;
        if (typeof content !== 'string') throw new StudioError('endpoint_error', `${url}: the reply has no choices[0].message.content string`);
        return {
          text: content,
          promptTokens: json.usage?.prompt_tokens ?? null,
          completionTokens: json.usage?.completion_tokens ?? null,
          latencyMs: Date.now() - started,
          attempts: attempt,
        };
      }
    } catch (err) {
      if (signal?.aborted) throw new CancelledError();
      if (err instanceof StudioError) throw err;
      lastError = timeout.aborted
        ? `${url} did not answer within ${s.timeoutMs} ms`
        : `cannot reach ${url}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`;
    }
    if (attempt <= s.retries) await sleep((s.backoffMs ?? 500) * 2 ** (attempt - 1), signal);
    void status;
  }
  throw new StudioError('endpoint_error', `${lastError} (after ${s.retries + 1} attempts)`);
}

export function imagePart(png: Buffer): ChatContent {
  return { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } };
}

/** A user message whose text has one <image> placeholder per image, in order. */
export function userMessage(text: string, images: Buffer[]): OpenAIMessage {
  const parts: ChatContent[] = [];
  const pieces = text.split('<image>');
  if (pieces.length - 1 !== images.length) throw new StudioError('bad_prompt', `the prompt has ${pieces.length - 1} <image> placeholders but ${images.length} images`);
  pieces.forEach((p, i) => {
    if (p) parts.push({ type: 'text', text: p });
    if (i < images.length) parts.push(imagePart(images[i]!));
  });
  return { role: 'user', content: parts };
}
