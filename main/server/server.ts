// Server mode: the same UI for an ordinary browser, on 127.0.0.1 only.
// HTTP serves the built renderer; a WebSocket at /api carries the contract.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { RequestEnvelope, describeZodError, type ResponseEnvelope } from '../../preload/contract';
import { toWireError, type Studio } from '../core/studio';
import { appRoot } from '../core/util/paths';
import { TOKEN_COOKIE, hostAllowed, newToken, originAllowed, tokenFrom, tokensEqual } from './security';
import { securityHeaders, serveStatic } from './staticFiles';

export interface ServerOptions {
  port?: number; // 0 picks a free port
  token?: string;
  staticDir?: string;
}

export interface RunningServer {
  url: string; // with the token, to open in a browser
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export function defaultStaticDir(): string {
  return join(appRoot(), 'out', 'renderer');
}

export async function startServer(studio: Studio, opts: ServerOptions = {}): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const staticDir = opts.staticDir ?? defaultStaticDir();
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`the UI is not built (${join(staticDir, 'index.html')} is missing); run 'npm run build' first`);
  }
  let port = 0;
  const authorised = (req: IncomingMessage): boolean => {
    const t = tokenFrom(req);
    return t !== null && tokensEqual(t, token);
  };

  const http: Server = createServer((req, res) => {
    if (!hostAllowed(req, port)) {
      res.writeHead(403).end('forbidden host');
      return;
    }
    if (!authorised(req)) {
      securityHeaders(res);
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end('This studio server needs its access token: open the URL printed by `npm run serve` (it ends in ?token=…).');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.searchParams.has('token')) {
      // Keep the token in a same-site cookie so asset and socket requests carry it.
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (!serveStatic(staticDir, url.pathname, res) && !serveStatic(staticDir, '/index.html', res)) res.writeHead(404).end();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/api' || !hostAllowed(req, port) || !originAllowed(req, port) || !authorised(req)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = studio.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    ws.on('close', unsubscribe);
    ws.on('message', (data) => void handleMessage(studio, ws, data.toString()));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

async function handleMessage(studio: Studio, ws: WebSocket, text: string): Promise<void> {
  let reply: ResponseEnvelope;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    ws.send(JSON.stringify({ id: -1, ok: false, error: { code: 'bad_json', message: 'request is not valid JSON' } }));
    return;
  }
  const env = RequestEnvelope.safeParse(raw);
  if (!env.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
    ws.send(JSON.stringify({ id, ok: false, error: { code: 'bad_envelope', message: `malformed request: ${describeZodError(env.error)}` } }));
    return;
  }
  try {
    reply = { id: env.data.id, ok: true, result: await studio.handle(env.data.method, env.data.params) };
  } catch (err) {
    reply = { id: env.data.id, ok: false, error: toWireError(err) };
  }
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
}
