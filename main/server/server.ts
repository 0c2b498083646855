// Server mode: the same UI for an ordinary browser, on 127.0.0.1 only.
// HTTP serves the built renderer; a WebSocket at /api carries the contract.
// Every socket has its own error handler and limits, so a malformed frame, an
// oversized message or a flood from one client closes that client, never the server.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { RequestEnvelope, describeZodError, type ResponseEnvelope } from '../../preload/contract';
import { toWireError } from '../core/api/dispatch';
import type { Studio } from '../core/studio';
import { appRoot } from '../core/util/paths';
import { hostAllowed, newToken, originAllowed, tokenFrom, tokenProblem, tokensEqual } from './security';
import { securityHeaders, serveStatic } from './staticFiles';

export interface ServerLimits {
  /** Largest request message; bigger ones close that socket (1009). */
  maxMessageBytes: number;
  /** Open sockets at once; more are refused with 503. */
  maxConnections: number;
  /** Requests one socket may have unanswered; more are answered 'busy'. */
  maxInFlight: number;
  /** Unsent bytes queued to a client that does not read; past this it is dropped. */
  maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxMessageBytes: 16 * 1024 * 1024,
  maxConnections: 32,
  maxInFlight: 64,
  maxBufferedBytes: 64 * 1024 * 1024,
};

export interface ServerOptions {
  port?: number; // 0 picks a free port
  token?: string;
  staticDir?: string;
  limits?: Partial<ServerLimits>;
  /** Where socket faults are reported (default: stderr). */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string; // with the token, to open in a browser
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export function defaultStaticDir(): string {
  return join(appRoot(), 'out', 'renderer');
}

export async function startServer(studio: Studio, opts: ServerOptions = {}): Promise<RunningServer> {
  if (opts.token !== undefined) {
    const problem = tokenProblem(opts.token);
    if (problem) throw new Error(problem);
  }
  const token = opts.token ?? newToken();
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const staticDir = opts.staticDir ?? defaultStaticDir();
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`the UI is not built (${join(staticDir, 'index.html')} is missing); run 'npm run build' first`);
  }
  let port = 0;
  const authorised = (req: IncomingMessage): boolean => {
    const t = tokenFrom(req);
    return t !== null && tokensEqual(t, token);
  };

  // The bundle is public code with no data in it; only the socket needs the token.
  const http: Server = createServer((req, res) => {
    if (!hostAllowed(req, port)) {
      res.writeHead(403).end('forbidden host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let path = '/';
    try {
      path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!serveStatic(staticDir, path, res) && !serveStatic(staticDir, '/index.html', res)) res.writeHead(404).end();
  });
  // A malformed HTTP request ends that connection only.
  http.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  wss.on('error', (err) => log(`studio server: websocket server error: ${err.message}`));
  const refuse = (socket: Socket, status: string): void => {
    socket.on('error', () => undefined);
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };
  http.on('upgrade', (req, socket: Socket, head) => {
    socket.on('error', () => undefined); // a reset during the handshake is not ours to crash on
    let path = '';
    try {
      path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    } catch {
      /* refused below */
    }
    if (path !== '/api' || !hostAllowed(req, port) || !originAllowed(req, port) || !authorised(req)) return refuse(socket, '401 Unauthorized');
    if (wss.clients.size >= limits.maxConnections) return refuse(socket, '503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    let inFlight = 0;
    const send = (text: string): void => {
      if (ws.readyState !== ws.OPEN) return;
      // A client that stops reading must not grow our memory without bound.
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        log(`studio server: dropping a client that left ${ws.bufferedAmount} bytes unread`);
        ws.terminate();
        return;
      }
      ws.send(text);
    };
    const unsubscribe = studio.events.subscribe((event, payload) => send(JSON.stringify({ event, payload })));
    ws.on('close', unsubscribe);
    // Invalid frames (reserved opcodes, bad UTF-8, oversized payloads) land here;
    // ws has already closed the socket with the right code.
    ws.on('error', (err) => {
      log(`studio server: closed a socket: ${err.message}`);
      unsubscribe();
      ws.terminate();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send(JSON.stringify({ id: -1, ok: false, error: { code: 'bad_json', message: 'requests are JSON text frames, not binary' } }));
        return;
      }
      if (inFlight >= limits.maxInFlight) {
        send(
          JSON.stringify({
            id: idOf(data.toString()),
            ok: false,
            error: { code: 'busy', message: `too many requests at once (limit ${limits.maxInFlight}); wait for answers first` },
          }),
        );
        return;
      }
      inFlight++;
      void handleMessage(studio, send, data.toString()).finally(() => inFlight--);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  http.on('error', (err) => log(`studio server: ${err.message}`));
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
      // Keep-alive connections would hold the port open; drop them so a restart can bind at once.
      const closed = new Promise<void>((r) => http.close(() => r()));
      http.closeAllConnections();
      await closed;
    },
  };
}

/** The request id, if the text is JSON with a numeric id, else -1 (for error replies). */
function idOf(text: string): number {
  if (text.length > 1_000_000) return -1;
  try {
    const id = (JSON.parse(text) as { id?: unknown })?.id;
    return typeof id === 'number' ? id : -1;
  } catch {
    return -1;
  }
}

async function handleMessage(studio: Studio, send: (text: string) => void, text: string): Promise<void> {
  let reply: ResponseEnvelope;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    send(JSON.stringify({ id: -1, ok: false, error: { code: 'bad_json', message: 'request is not valid JSON' } }));
    return;
  }
  const env = RequestEnvelope.safeParse(raw);
  if (!env.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
    send(JSON.stringify({ id, ok: false, error: { code: 'bad_envelope', message: `malformed request: ${describeZodError(env.error)}` } }));
    return;
  }
  try {
    reply = { id: env.data.id, ok: true, result: await studio.api.handle(env.data.method, env.data.params) };
  } catch (err) {
    reply = { id: env.data.id, ok: false, error: toWireError(err) };
  }
  let out: string;
  try {
    out = JSON.stringify(reply);
  } catch (err) {
    out = JSON.stringify({ id: env.data.id, ok: false, error: { code: 'internal', message: `the answer could not be encoded: ${(err as Error).message}` } });
  }
  send(out);
}
