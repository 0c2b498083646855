// The browser transport for server mode: the StudioBridge over one WebSocket,
// with reconnect and backoff. Wire format:
//   → {id, method, params}
//   ← {id, ok:true, result} | {id, ok:false, error:{code, message}} | {event, payload}
import { ContractError, ResponseEnvelope, type StudioBridge } from '../../../preload/contract';
import type { ConnectionSource, ConnectionState } from './connection';

// The first retry waits a second: long enough that a core being restarted on
// purpose is usually back, short enough that the user barely notices.
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class WebSocketBridge implements StudioBridge, ConnectionSource {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, Pending>();
  // Requests made while the socket is still opening wait here.
  private queued: { id: number; text: string }[] = [];
  private readonly eventListeners = new Set<(event: string, payload: unknown) => void>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private state: ConnectionState = { status: 'connecting', epoch: 0, failures: 0, nextRetryAt: null };
  private everOpen = false;
  private retryTimer: number | null = null;

  constructor(private readonly url: string) {
    this.connect();
  }

  call(method: string, params?: unknown): Promise<unknown> {
    if (this.state.status === 'down') {
      return Promise.reject(new ContractError('disconnected', `cannot run ${method}: disconnected from the studio core (reconnecting)`));
    }
    const id = this.nextId++;
    const text = JSON.stringify({ id, method, params: params ?? {} });
    return new Promise((resolve, reject) => {
      this.inFlight.set(id, { method, resolve, reject });
      if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
      else this.queued.push({ id, text });
    });
  }

  on(listener: (event: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  getConnection(): ConnectionState {
    return this.state;
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  retryNow(): void {
    if (this.state.status !== 'down') return;
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private setState(patch: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.connectionListeners) l(this.state);
  }

  private connect(): void {
    this.setState({ status: 'connecting', nextRetryAt: null });
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      // After any failure, calls made meanwhile were rejected: bump the epoch so data refetches.
      const reconnected = this.everOpen || this.state.failures > 0;
      this.everOpen = true;
      for (const q of this.queued) socket.send(q.text);
      this.queued = [];
      this.setState({ status: 'open', failures: 0, epoch: reconnected ? this.state.epoch + 1 : this.state.epoch });
    };
    socket.onmessage = (msg) => this.receive(msg.data);
    // Every failure also fires 'close'; handle it once there.
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failAll();
      const failures = this.state.failures + 1;
      const delay = BACKOFF_MS[Math.min(failures - 1, BACKOFF_MS.length - 1)] ?? 15000;
      this.setState({ status: 'down', failures, nextRetryAt: Date.now() + delay });
      this.retryTimer = window.setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, delay);
    };
  }

  /** Requests whose answer can no longer come are rejected, not left hanging. */
  private failAll(): void {
    for (const [id, p] of this.inFlight) {
      this.inFlight.delete(id);
      p.reject(new ContractError('disconnected', `the connection to the studio core was lost before it answered ${p.method}`));
    }
    this.queued = [];
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      console.error('studio core sent a message that is not JSON');
      return;
    }
    if (raw !== null && typeof raw === 'object' && 'event' in raw) {
      const { event, payload } = raw as { event: unknown; payload: unknown };
      // Validated by the client with parseEvent, the same as the Electron path.
      for (const l of this.eventListeners) l(String(event), payload);
      return;
    }
    const env = ResponseEnvelope.safeParse(raw);
    if (!env.success) {
      console.error('studio core sent a malformed reply');
      return;
    }
    const pending = this.inFlight.get(env.data.id);
    if (!pending) return;
    this.inFlight.delete(env.data.id);
    if (env.data.ok) pending.resolve(env.data.result);
    else pending.reject(new ContractError(env.data.error.code, env.data.error.message));
  }
}

export function studioSocketUrl(token: string | null): string {
  const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${proto}://${window.location.host}/api${query}`;
}
