// A local OpenAI-compatible chat server for tests: real HTTP on 127.0.0.1,
// replies scripted per request, every request recorded for assertions.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  headers: IncomingMessage['headers'];
  body: { model: string; messages: { role: string; content: unknown }[]; temperature: number; top_p: number; max_tokens: number };
}

export type Script = (req: RecordedRequest, n: number) => { status?: number; text?: string; delayMs?: number; raw?: string };

export async function startChatServer(script: Script): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
        res.writeHead(404).end('not found');
        return;
      }
      const rec: RecordedRequest = { headers: req.headers, body: JSON.parse(data) };
      requests.push(rec);
      const r = script(rec, requests.length);
      const send = (): void => {
        if (res.destroyed) return;
        if (r.raw !== undefined) {
          res.writeHead(r.status ?? 200, { 'content-type': 'application/json' }).end(r.raw);
          return;
        }
        const status = r.status ?? 200;
        const body =
          status === 200
            ? {
                id: `chatcmpl-${requests.length}`,
                object: 'chat.completion',
                choices: [{ index: 0, message: { role: 'assistant', content: r.text ?? '' }, finish_reason: 'stop' }],
                usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
              }
            : { error: { message: `scripted ${status}` } };
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
