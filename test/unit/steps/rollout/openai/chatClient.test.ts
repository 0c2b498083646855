import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletion, userMessage, type EndpointSettings } from '../../../../../main/core/steps/rollout/openai/chatClient';
import { startChatServer } from '../../../../helpers/chatServer';
import { encodePngRgb } from '../../../../../main/core/util/png';

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

const settings = (url: string, over: Partial<EndpointSettings> = {}): EndpointSettings => ({
  baseUrl: url,
  model: 'qwen3-vl',
  temperature: 0.4,
  topP: 1,
  maxTokens: 500,
  timeoutMs: 2000,
  retries: 2,
  backoffMs: 10,
  ...over,
});
const png = encodePngRgb(2, 2, new Uint8Array(12).fill(200));

describe('OpenAI-compatible chat client', () => {
  it('sends the image inline with our sampling defaults and the key, and reads text and usage', async () => {
    const s = await startChatServer(() => ({ text: '<think>go</think><action>up</action>' }));
    close = s.close;
    const r = await chatCompletion(settings(s.url, { apiKey: 'sk-test' }), [userMessage('Look: <image> now act.', [png])]);
    expect(r).toMatchObject({ text: '<think>go</think><action>up</action>', promptTokens: 100, completionTokens: 20, attempts: 1 });
    const req = s.requests[0]!;
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body).toMatchObject({ model: 'qwen3-vl', temperature: 0.4, top_p: 1, max_tokens: 500 });
    expect(req.body.messages[0]!.content).toEqual([
      { type: 'text', text: 'Look: ' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
      { type: 'text', text: ' now act.' },
    ]);
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    const s = await startChatServer((_r, n) => (n < 3 ? { status: n === 1 ? 429 : 503 } : { text: 'ok' }));
    close = s.close;
    const r = await chatCompletion(settings(s.url), [userMessage('<image>', [png])]);
    expect(r.attempts).toBe(3);
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry a 400, and says which endpoint answered what', async () => {
    const s = await startChatServer(() => ({ status: 400 }));
    close = s.close;
    await expect(chatCompletion(settings(s.url), [userMessage('<image>', [png])])).rejects.toThrow(/\/v1\/chat\/completions answered HTTP 400/);
    expect(s.requests).toHaveLength(1);
  });

  it('times out slow replies and gives up after the retries', async () => {
    const s = await startChatServer(() => ({ text: 'late', delayMs: 500 }));
    close = s.close;
    await expect(chatCompletion(settings(s.url, { timeoutMs: 100, retries: 1 }), [userMessage('<image>', [png])])).rejects.toThrow(
      /did not answer within 100 ms \(after 2 attempts\)/,
    );
  });

  it('reports an unreachable endpoint and a reply that is not JSON', async () => {
    await expect(chatCompletion(settings('http://127.0.0.1:9/v1', { retries: 0 }), [])).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions/);
    const s = await startChatServer(() => ({ raw: '<html>proxy error</html>' }));
    close = s.close;
    await expect(chatCompletion(settings(s.url), [])).rejects.toThrow(/not JSON/);
  });

  it('checks that placeholders and images agree', () => {
    expect(() => userMessage('<image> and <image>', [png])).toThrow(/2 <image> placeholders but 1 images/);
  });
});
