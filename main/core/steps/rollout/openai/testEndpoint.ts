// "Test connection" for an OpenAI-compatible endpoint, before a rollout spends
// its time on it: is anything listening, does it serve the model, does one tiny
// chat completion come back. Each failure says which of these and why.
import { chatCompletion } from './chatClient';

export interface EndpointTest {
  ok: boolean;
  message: string;
  /** Models the endpoint lists (GET /models), when it answered that. */
  models: string[];
  latencyMs: number | null;
}

export async function testEndpoint(p: { baseUrl: string; model: string; apiKey?: string; timeoutMs?: number }): Promise<EndpointTest> {
  const base = p.baseUrl.replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
  const timeoutMs = p.timeoutMs ?? 10_000;
  const headers = p.apiKey ? { authorization: `Bearer ${p.apiKey}` } : undefined;
  let models: string[] = [];
  try {
    const res = await fetch(`${base}/models`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 401 || res.status === 403)
      return { ok: false, message: `${base}/models answered HTTP ${res.status}: the API key is missing or not accepted`, models, latencyMs: null };
    if (res.ok) {
      const json = (await res.json().catch(() => null)) as { data?: { id?: unknown }[] } | null;
      models = (json?.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
      if (models.length && !models.includes(p.model))
        return { ok: false, message: `${base} serves ${models.map((m) => `'${m}'`).join(', ')}, not '${p.model}'`, models, latencyMs: null };
    }
  } catch (err) {
    const e = err as Error & { cause?: Error };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.message}${e.cause ? ` (${e.cause.message})` : ''}`;
    return { ok: false, message: `cannot reach ${base}: ${why}`, models, latencyMs: null };
  }
  try {
    const r = await chatCompletion({ baseUrl: base, model: p.model, apiKey: p.apiKey, temperature: 0, topP: 1, maxTokens: 1, timeoutMs, retries: 0 }, [
      { role: 'user', content: 'Say OK.' },
    ]);
    return { ok: true, message: `'${p.model}' at ${base} answered in ${r.latencyMs} ms`, models, latencyMs: r.latencyMs };
  } catch (err) {
    return { ok: false, message: (err as Error).message, models, latencyMs: null };
  }
}
