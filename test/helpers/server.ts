// Starts the real server mode on 127.0.0.1 with a fresh app-state folder.
import WebSocket from 'ws';
import { Studio } from '../../main/core/studio';
import { startServer, type RunningServer } from '../../main/server/server';
import { tempDir } from './tmp';

export async function startTestServer(): Promise<{ studio: Studio; server: RunningServer; stop(): Promise<void> }> {
  const studio = new Studio({ shell: 'server', configDir: tempDir('studio-home-') });
  const server = await startServer(studio, { port: 0 });
  return {
    studio,
    server,
    stop: async () => {
      await server.close();
      await studio.dispose();
    },
  };
}

/** A minimal contract client over the server's WebSocket, as the renderer uses it. */
export class WsClient {
  private next = 1;
  private readonly pending = new Map<number, (reply: { ok: boolean; result?: unknown; error?: { code: string; message: string } }) => void>();
  readonly events: { event: string; payload: unknown }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if ('event' in msg) this.events.push(msg);
      else this.pending.get(msg.id)?.(msg);
    });
  }
  static open(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new WsClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }
  raw(text: string): Promise<{ id: number; ok: boolean; error?: { code: string; message: string } }> {
    return new Promise((resolve) => {
      this.ws.once('message', (d) => resolve(JSON.parse(d.toString())));
      this.ws.send(text);
    });
  }
  async call(method: string, params: unknown = {}): Promise<unknown> {
    const id = this.next++;
    const reply = await new Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
    if (!reply.ok) throw new Error(reply.error!.message);
    return reply.result;
  }
  close(): void {
    this.ws.close();
  }
}
