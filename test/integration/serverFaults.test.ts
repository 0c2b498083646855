// Fault injection against server mode (loopback only): malformed frames, oversized
// messages, floods and replayed cookies must close the offending client, never the server.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Studio } from '../../main/core/studio';
import { startServer, type RunningServer, type ServerLimits } from '../../main/server/server';
import { frame, rawWsOpen } from '../helpers/rawWs';
import { WsClient } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

let stopper: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stopper?.();
  stopper = null;
});

async function serve(limits: Partial<ServerLimits> = {}): Promise<{ server: RunningServer; logs: string[] }> {
  const studio = new Studio({ shell: 'server', configDir: tempDir('studio-home-') });
  const logs: string[] = [];
  const server = await startServer(studio, { port: 0, limits, log: (l) => logs.push(l) });
  stopper = async () => {
    await server.close();
    await studio.dispose();
  };
  return { server, logs };
}

const api = (s: RunningServer): string => `/api?token=${s.token}`;

async function stillAnswers(s: RunningServer): Promise<void> {
  const c = await WsClient.open(`ws://127.0.0.1:${s.port}${api(s)}`);
  expect(await c.call('project.current')).toBeNull();
  c.close();
}

// A small seeded generator so a failing case can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('server mode under faults', () => {
  it('survives reserved opcodes, invalid UTF-8, bad RSV bits and lying lengths, each closing only its own socket', async () => {
    const { server, logs } = await serve({ maxMessageBytes: 64 * 1024 });
    const cases: Buffer[] = [
      frame(0x3, Buffer.from('reserved non-control opcode')),
      frame(0xb, Buffer.from('reserved control opcode')),
      frame(0x1, Buffer.from([0xc3, 0x28, 0xa0, 0xa1])), // invalid UTF-8 in a text frame
      frame(0x1, Buffer.from('{"id":1}'), { rsv: 0x4 }), // RSV1 without a negotiated extension
      frame(0x9, Buffer.alloc(200)), // control frame over 125 bytes
      frame(0x8, Buffer.from([0x03])), // close frame with a 1-byte body
      frame(0x1, Buffer.alloc(0), { declaredLength: 2n ** 62n }), // absurd length
      frame(0x0, Buffer.from('continuation with nothing to continue')),
    ];
    for (const bytes of cases) {
      const c = await rawWsOpen(server.port, api(server));
      c.socket.write(bytes);
      await c.closed;
    }
    expect(logs.length).toBeGreaterThanOrEqual(cases.length - 1);
    await stillAnswers(server);
  });

  it('fuzz: 150 random frames on fresh sockets never take the server down', async () => {
    const { server } = await serve({ maxMessageBytes: 64 * 1024 });
    const r = rng(24);
    const started = Date.now();
    for (let i = 0; i < 150; i++) {
      const c = await rawWsOpen(server.port, api(server));
      const n = Math.floor(r() * 300);
      const payload = Buffer.alloc(n);
      for (let j = 0; j < n; j++) payload[j] = Math.floor(r() * 256);
      const kind = r();
      // Mostly well-formed framing with random opcode/flags/bytes, some pure garbage.
      const bytes = kind < 0.8 ? frame(Math.floor(r() * 16), payload, { fin: r() < 0.8, rsv: r() < 0.2 ? Math.floor(r() * 8) : 0 }) : payload;
      c.socket.write(bytes);
      // Give the server a moment, then hang up ourselves if it kept the socket.
      await Promise.race([c.closed, new Promise((res) => setTimeout(res, 20))]);
      c.socket.destroy();
    }
    expect(Date.now() - started).toBeLessThan(30_000);
    await stillAnswers(server);
  });

  it('closes a socket whose message is over the default 16 MB limit (1009) and keeps serving', async () => {
    const { server } = await serve();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${api(server)}`);
    await new Promise((res) => ws.once('open', res));
    const code = await new Promise<number>((res) => {
      ws.once('close', (c) => res(c));
      ws.on('error', () => undefined);
      ws.send(JSON.stringify({ id: 1, method: 'project.current', params: { pad: 'x'.repeat(16 * 1024 * 1024) } }));
    });
    expect(code).toBe(1009);
    await stillAnswers(server);
  });

  it('does not accept the token from a cookie (cookies are shared by every port on 127.0.0.1) and never sets one', async () => {
    const { server } = await serve();
    const page = await fetch(`${server.origin}/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    // Another local server that saw a cookie could replay it: refused.
    await expect(WsClient.open(`ws://127.0.0.1:${server.port}/api`, { Cookie: `studio_token=${server.token}` })).rejects.toThrow(/401/);
    await expect(WsClient.open(`ws://127.0.0.1:${server.port}/api?token=${server.token}x`)).rejects.toThrow(/401/);
    // A page on another port (another origin) cannot open our socket even with the token.
    await expect(WsClient.open(`ws://127.0.0.1:${server.port}${api(server)}`, { Origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow(/401/);
    await stillAnswers(server);
  });

  it('answers a burst beyond the in-flight limit with busy, and refuses sockets beyond the connection limit', async () => {
    const { server } = await serve({ maxInFlight: 4, maxConnections: 3 });
    const c = await rawWsOpen(server.port, api(server));
    // 40 requests in one write, so they arrive together.
    c.socket.write(Buffer.concat(Array.from({ length: 40 }, (_, i) => frame(0x1, Buffer.from(JSON.stringify({ id: i + 1, method: 'project.current', params: {} }))))));
    await expect
      .poll(
        () =>
          (
            c
              .received()
              .toString()
              .match(/"id":\d+/g) ?? []
          ).length,
        { timeout: 5000 },
      )
      .toBe(40);
    const text = c.received().toString();
    expect(text).toContain('"code":"busy"');
    expect(text).toContain('"ok":true');
    const a = await WsClient.open(`ws://127.0.0.1:${server.port}${api(server)}`);
    const b = await WsClient.open(`ws://127.0.0.1:${server.port}${api(server)}`);
    await expect(WsClient.open(`ws://127.0.0.1:${server.port}${api(server)}`)).rejects.toThrow(/503/);
    a.close();
    b.close();
    c.socket.destroy();
    await new Promise((res) => setTimeout(res, 100));
    await stillAnswers(server);
  });

  it('answers garbage HTTP with 400 and keeps serving', async () => {
    const { server } = await serve();
    const reply = await new Promise<string>((res) => {
      const s = connect(server.port, '127.0.0.1', () => s.write('\x00\x01 NOT HTTP\r\n\r\n'));
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => res(got));
      s.on('error', () => undefined);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await stillAnswers(server);
  });
});
