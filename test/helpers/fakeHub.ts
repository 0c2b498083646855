// A small Hugging Face Hub for tests: real HTTP on 127.0.0.1, the endpoints
// @huggingface/hub calls for whoami, create-repo and a commit (preupload, the
// LFS batch API with basic and multipart transfers, the NDJSON commit). It
// checks what it receives — the bearer token, the commit payload, every LFS
// object's sha256 — records every request, and can fail or stall on purpose.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubRequest {
  method: string;
  path: string;
  authorization: string | null;
  contentLength: number | null;
  transferEncoding: string | null;
  status: number;
}

export interface Fault {
  /** Which requests: 'part' (multipart PUTs), 'put' (single LFS PUTs), 'commit', 'preupload', 'batch', 'whoami'. */
  on: 'part' | 'put' | 'commit' | 'preupload' | 'batch' | 'whoami';
  /** Only this part number (1-based) for 'part'. */
  part?: number;
  status: number;
  times: number;
}

export interface FakeHubOptions {
  token: string;
  user?: string;
  /** Files at or above this size (or *.safetensors / *.bin) are LFS. */
  lfsThreshold?: number;
  /** LFS objects above this size are uploaded in parts of `partSize`. */
  multipartThreshold?: number;
  partSize?: number;
  /** Storage answers PUTs after this long (a slow link, so progress has time to show). */
  storageDelayMs?: number;
}

export interface FakeRepo {
  private: boolean;
  files: Map<string, Buffer>;
  commits: { oid: string; summary: string; description: string | undefined; files: string[]; lfsFiles: string[] }[];
}

export interface FakeHub {
  url: string;
  requests: HubRequest[];
  repos: Map<string, FakeRepo>;
  lfs: Map<string, Buffer>;
  /** Protocol violations the hub saw (a wrong sha256, a token sent to storage…); tests expect none. */
  problems: string[];
  faults: Fault[];
  /** While set, multipart PUTs wait until release() is called. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFakeHub(o: FakeHubOptions): Promise<FakeHub> {
  const user = o.user ?? 'tester';
  const lfsThreshold = o.lfsThreshold ?? 10 * 1024 * 1024;
  const multipartThreshold = o.multipartThreshold ?? 2 * 1024 * 1024;
  const partSize = o.partSize ?? 1024 * 1024;
  const requests: HubRequest[] = [];
  const repos = new Map<string, FakeRepo>();
  const lfs = new Map<string, Buffer>();
  const parts = new Map<string, Map<number, Buffer>>();
  const problems: string[] = [];
  const faults: Fault[] = [];
  let held: (() => void)[] | null = null;
  let base = '';

  const takeFault = (on: Fault['on'], part?: number): Fault | null => {
    const f = faults.find((x) => x.on === on && x.times > 0 && (x.part === undefined || x.part === part));
    if (!f) return null;
    f.times--;
    return f;
  };

  const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json'): void => {
    res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
  };

  const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.headers.authorization === `Bearer ${o.token}`) return true;
    json(res, 401, { error: 'Invalid credentials in Authorization header' });
    return false;
  };

  const repoOf = (name: string, res: ServerResponse): FakeRepo | null => {
    const r = repos.get(name);
    if (!r) json(res, 404, { error: 'Repository not found' });
    return r ?? null;
  };

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && p === '/api/whoami-v2') {
      if (!authorized(req, res)) return;
      const f = takeFault('whoami');
      if (f) return json(res, f.status, { error: `injected ${f.status}` });
      return json(res, 200, {
        type: 'user',
        id: 'u1',
        name: user,
        fullname: 'Test User',
        email: 't@example.com',
        emailVerified: true,
        isPro: false,
        canPay: false,
        avatarUrl: '',
        periodEnd: null,
        billingMode: 'postpaid',
        orgs: [{ type: 'org', id: 'o1', name: 'studio-org', fullname: 'Studio Org', email: null, canPay: false, avatarUrl: '', periodEnd: null }],
        auth: { type: 'access_token', accessToken: { displayName: 'studio', role: 'write', createdAt: new Date().toISOString() } },
      });
    }
    if (req.method === 'POST' && p === '/api/repos/create') {
      if (!authorized(req, res)) return;
      const b = JSON.parse(body.toString('utf8')) as { name?: string; organization?: string; type?: string; visibility?: string };
      if (b.type !== 'model' || !b.name || !b.organization) {
        problems.push(`create-repo payload: ${body.toString('utf8')}`);
        return json(res, 400, { error: 'bad create payload' });
      }
      const name = `${b.organization}/${b.name}`;
      if (repos.has(name)) return json(res, 409, { error: 'You already created this model repo', url: `${base}/${name}` });
      repos.set(name, { private: b.visibility === 'private', files: new Map(), commits: [] });
      return json(res, 200, { url: `${base}/${name}`, name, id: randomBytes(12).toString('hex') });
    }
    if (req.method === 'POST' && (m = /^\/api\/models\/([^/]+\/[^/]+)\/preupload\/([^/]+)$/.exec(p))) {
      if (!authorized(req, res)) return;
      const repo = repoOf(m[1]!, res);
      if (!repo) return;
      const f = takeFault('preupload');
      if (f) return json(res, f.status, { error: `injected ${f.status}` });
      const b = JSON.parse(body.toString('utf8')) as { files: { path: string; size: number; sample: string }[] };
      return json(res, 200, {
        files: b.files.map((x) => ({ path: x.path, uploadMode: x.size >= lfsThreshold || /\.(safetensors|bin|pt)$/.test(x.path) ? 'lfs' : 'regular', shouldIgnore: false })),
        commitOid: 'parent',
      });
    }
    if (req.method === 'POST' && (m = /^\/([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(p))) {
      if (!authorized(req, res)) return;
      if (!repoOf(m[1]!, res)) return;
      const f = takeFault('batch');
      if (f) return json(res, f.status, { error: `injected ${f.status}` });
      const b = JSON.parse(body.toString('utf8')) as { operation: string; transfers: string[]; hash_algo: string; objects: { oid: string; size: number }[] };
      if (b.operation !== 'upload' || b.hash_algo !== 'sha_256') problems.push(`lfs batch payload: ${body.toString('utf8')}`);
      if (b.transfers.includes('xet')) problems.push('the client asked for the xet transfer');
      const objects = b.objects.map((x) => {
        if (lfs.has(x.oid)) return { oid: x.oid, size: x.size };
        if (x.size > multipartThreshold) {
          const n = Math.ceil(x.size / partSize);
          const header: Record<string, string> = { chunk_size: String(partSize) };
          for (let i = 1; i <= n; i++) header[String(i).padStart(5, '0')] = `${base}/storage/part/${x.oid}/${i}`;
          return { oid: x.oid, size: x.size, authenticated: true, actions: { upload: { href: `${base}/storage/complete/${x.oid}?size=${x.size}`, header } } };
        }
        return { oid: x.oid, size: x.size, authenticated: true, actions: { upload: { href: `${base}/storage/put/${x.oid}?size=${x.size}` } } };
      });
      return json(res, 200, { transfer: 'basic', objects }, 'application/vnd.git-lfs+json');
    }
    if ((m = /^\/storage\/(put|part|complete)\/([0-9a-f]{64})(?:\/(\d+))?$/.exec(p))) {
      // Storage is a third party on the real Hub: the token must never reach it.
      if (req.headers.authorization) problems.push(`${req.method} ${p} carried an Authorization header`);
      const [, what, oid] = m as unknown as [string, string, string, string | undefined];
      const n = m[3] ? Number(m[3]) : undefined;
      if (req.method === 'PUT' && o.storageDelayMs) await new Promise((r) => setTimeout(r, o.storageDelayMs));
      if (what === 'part') {
        const f = takeFault('part', n);
        if (f) return json(res, f.status, { error: `injected ${f.status}` });
        if (held) await new Promise<void>((r) => held!.push(r));
        const got = parts.get(oid) ?? new Map<number, Buffer>();
        got.set(n!, body);
        parts.set(oid, got);
        res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
        return;
      }
      const expectSize = Number(url.searchParams.get('size'));
      let content: Buffer;
      if (what === 'put') {
        const f = takeFault('put');
        if (f) return json(res, f.status, { error: `injected ${f.status}` });
        content = body;
      } else {
        const b = JSON.parse(body.toString('utf8')) as { oid: string; parts: { partNumber: number; etag: string }[] };
        const got = parts.get(oid) ?? new Map<number, Buffer>();
        const ordered = b.parts.map((x) => {
          const buf = got.get(x.partNumber);
          if (!buf) problems.push(`complete ${oid}: part ${x.partNumber} was never uploaded`);
          else if (x.etag !== `"${createHash('md5').update(buf).digest('hex')}"`) problems.push(`complete ${oid}: wrong etag for part ${x.partNumber}`);
          return buf ?? Buffer.alloc(0);
        });
        if (b.oid !== oid) problems.push(`complete ${oid}: body names ${b.oid}`);
        content = Buffer.concat(ordered);
      }
      if (content.length !== expectSize || sha256(content) !== oid) {
        problems.push(`LFS object ${oid}: received ${content.length} bytes with sha256 ${sha256(content)}`);
        return json(res, 400, { error: 'sha256 mismatch' });
      }
      lfs.set(oid, content);
      return json(res, 200, {});
    }
    if (req.method === 'POST' && (m = /^\/api\/models\/([^/]+\/[^/]+)\/commit\/([^/]+)$/.exec(p))) {
      if (!authorized(req, res)) return;
      const repo = repoOf(m[1]!, res);
      if (!repo) return;
      const f = takeFault('commit');
      if (f) return json(res, f.status, { error: `injected ${f.status}` });
      if (!String(req.headers['content-type']).startsWith('application/x-ndjson')) problems.push(`commit content-type ${req.headers['content-type']}`);
      const lines = body
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { key: string; value: Record<string, unknown> });
      const header = lines[0];
      if (header?.key !== 'header' || typeof header.value.summary !== 'string') {
        problems.push('commit without a header line');
        return json(res, 400, { error: 'no header' });
      }
      const staged = new Map<string, Buffer>();
      const files: string[] = [];
      const lfsFiles: string[] = [];
      for (const l of lines.slice(1)) {
        const v = l.value as { path: string; content?: string; encoding?: string; oid?: string; size?: number; algo?: string };
        if (l.key === 'file') {
          if (v.encoding !== 'base64') problems.push(`commit file ${v.path}: encoding ${v.encoding}`);
          staged.set(v.path, Buffer.from(v.content ?? '', 'base64'));
          files.push(v.path);
        } else if (l.key === 'lfsFile') {
          const obj = v.oid ? lfs.get(v.oid) : undefined;
          if (!obj || v.algo !== 'sha256' || obj.length !== v.size) {
            problems.push(`commit lfsFile ${v.path}: object ${v.oid} not uploaded or wrong size`);
            return json(res, 400, { error: `lfs object for ${v.path} is missing` });
          }
          staged.set(v.path, obj);
          lfsFiles.push(v.path);
        } else problems.push(`commit: unexpected line ${l.key}`);
      }
      for (const [k, v] of staged) repo.files.set(k, v);
      const oid = randomBytes(20).toString('hex');
      repo.commits.push({ oid, summary: header.value.summary as string, description: header.value.description as string | undefined, files, lfsFiles });
      return json(res, 200, { success: true, commitOid: oid, commitUrl: `${base}/${m[1]}/commit/${oid}`, hookOutput: '' });
    }
    json(res, 404, { error: `fake hub: no route for ${req.method} ${p}` });
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const rec: HubRequest = {
          method: req.method ?? '',
          path: new URL(req.url ?? '/', 'http://x').pathname,
          authorization: req.headers.authorization ?? null,
          contentLength: req.headers['content-length'] ? Number(req.headers['content-length']) : null,
          transferEncoding: (req.headers['transfer-encoding'] as string | undefined) ?? null,
          status: 0,
        };
        requests.push(rec);
        res.on('finish', () => (rec.status = res.statusCode));
        await handle(req, res, body);
      })
      .catch((err: unknown) => {
        problems.push(`fake hub crashed: ${(err as Error).message}`);
        if (!res.headersSent) json(res, 500, { error: 'fake hub error' });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    repos,
    lfs,
    problems,
    faults,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const w of waiting) w();
    },
    close: () =>
      new Promise<void>((resolve) => {
        const waiting = held ?? [];
        held = null;
        for (const w of waiting) w();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
