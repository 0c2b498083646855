// Talking to a Hugging Face Hub (or a mirror) through @huggingface/hub, with
// errors a user can act on, retries of transient failures, and a byte count of
// what was sent.
import { HubApiError, whoAmI } from '@huggingface/hub';
import { DEFAULT_HUB_ENDPOINT, HubEndpoint } from '../../../../preload/contract/upload';
import { CancelledError, StudioError } from '../../util/errors';

export function normalizeEndpoint(endpoint: string | undefined): string {
  const parsed = HubEndpoint.safeParse(endpoint ?? DEFAULT_HUB_ENDPOINT);
  if (!parsed.success) throw new StudioError('bad_endpoint', `endpoint: ${parsed.error.issues[0]?.message ?? 'not a URL'}`);
  return parsed.data.replace(/\/+$/, '');
}

export const unreachable = (endpoint: string, cause: unknown): StudioError =>
  new StudioError('hub_unreachable', `cannot reach the Hub at ${endpoint} (${causeText(cause)}); check the network or the endpoint setting`);

function causeText(err: unknown): string {
  const c = (err as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (err as Error).message ?? String(err);
}

/** Node's fetch rejects with TypeError('fetch failed') when no HTTP answer came back. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError && /fetch failed|network|socket|ECONN|ENOTFOUND|EAI_AGAIN|terminated/i.test(`${err.message} ${causeText(err)}`);
}

const isAbort = (err: unknown): boolean => err instanceof Error && (err.name === 'AbortError' || err instanceof CancelledError);

export interface HubFetchOptions {
  endpoint: string;
  /** Attempts after the first, for requests that are safe to repeat. */
  retries?: number;
  /** First wait before a retry; doubles each time. */
  backoffMs?: number;
  fetch?: typeof fetch;
  /** Bytes of a file body sent (negative when a failed attempt is taken back). */
  onBytes?: (path: string, delta: number) => void;
  onRetry?: (what: string, attempt: number, reason: string) => void;
}

interface ProgressHint {
  path?: string;
  part?: number;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

// File bodies and the hub's preupload/LFS negotiation can be repeated; the final
// commit cannot (a retry after a lost answer could commit twice).
function repeatable(method: string, url: URL): boolean {
  if (method === 'GET' || method === 'PUT') return true;
  return (
    method === 'POST' &&
    (/\/preupload\//.test(url.pathname) || /\.git\/info\/lfs\/objects\/batch$/.test(url.pathname) || /complete_multipart|uploadId=/.test(url.pathname + url.search))
  );
}

function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new CancelledError())), { once: true });
  });
}

/** A Blob body as a stream that reports the bytes as the socket takes them. */
function countedBody(blob: Blob, onChunk: (n: number) => void): ReadableStream<Uint8Array> {
  return blob.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onChunk(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}

/** The fetch handed to @huggingface/hub: retries, byte counts, and plain errors. */
export function hubFetch(o: HubFetchOptions): typeof fetch {
  const base = o.fetch ?? fetch;
  const retries = o.retries ?? 3;
  const backoff = o.backoffMs ?? 1000;
  const hubOrigin = new URL(o.endpoint).origin;
  return (async (input: string | URL | Request, init?: RequestInit & { progressHint?: ProgressHint }) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const hint = init?.progressHint;
    const body = init?.body;
    const maxAttempts = repeatable(method, url) ? retries + 1 : 1;
    const what = `${method} ${hint?.path ? `${hint.path}${hint.part !== undefined ? ` part ${hint.part + 1}` : ''}` : url.pathname}`;
    for (let attempt = 1; ; attempt++) {
      let sent = 0;
      const request: RequestInit & { duplex?: 'half' } = { ...init };
      delete (request as { progressHint?: unknown }).progressHint;
      if (body instanceof Blob && hint?.path && o.onBytes) {
        const path = hint.path;
        request.body = countedBody(body, (n) => ((sent += n), o.onBytes!(path, n)));
        request.duplex = 'half';
        // Storage services (S3) refuse chunked uploads: keep the length.
        const headers = new Headers(init?.headers);
        headers.set('content-length', String(body.size));
        request.headers = headers;
      }
      const takeBack = (): void => {
        if (sent && hint?.path) o.onBytes?.(hint.path, -sent);
        sent = 0;
      };
      let reason: string;
      try {
        const res = await base(url, request);
        if (!RETRY_STATUS.has(res.status) || attempt >= maxAttempts) {
          if (!res.ok) takeBack();
          return res;
        }
        reason = `HTTP ${res.status}`;
        await res.body?.cancel().catch(() => undefined);
      } catch (err) {
        takeBack();
        if (isAbort(err) || init?.signal?.aborted) throw err;
        if (!isNetworkError(err)) throw err;
        if (attempt >= maxAttempts) {
          throw url.origin === hubOrigin
            ? unreachable(o.endpoint, err)
            : new StudioError('storage_unreachable', `cannot reach the upload storage at ${url.origin} that the Hub at ${o.endpoint} handed out (${causeText(err)})`);
        }
        reason = causeText(err);
      }
      takeBack();
      o.onRetry?.(what, attempt, reason);
      await sleep(backoff * 2 ** (attempt - 1), init?.signal);
    }
  }) as typeof fetch;
}

/** A Hub error as a sentence that names the endpoint (and never a token). */
export function describeHubError(err: unknown, endpoint: string, doing: string): Error {
  if (err instanceof StudioError || isAbort(err)) return err as Error;
  if (isNetworkError(err)) return unreachable(endpoint, err);
  if (err instanceof HubApiError) {
    if (err.statusCode === 401) return new StudioError('token_rejected', `token rejected by ${endpoint} while ${doing}; sign in again with a valid token`);
    if (err.statusCode === 403) return new StudioError('forbidden', `${endpoint} refused ${doing}: the token has no write access there (${firstSentence(err.message)})`);
    return new StudioError('hub_error', `${endpoint} answered ${err.statusCode} while ${doing}: ${firstSentence(err.message)}`);
  }
  return new StudioError('hub_error', `${doing} failed: ${(err as Error).message ?? String(err)}`);
}

const firstSentence = (m: string): string => m.split('. URL: ')[0] ?? m;

export interface HubIdentity {
  name: string;
  type: 'user' | 'org' | 'app';
  orgs: string[];
}

/** Checks a token against the Hub's whoami; throws "token rejected by …" or "cannot reach the Hub at …". */
export async function whoami(endpoint: string, token: string, f?: typeof fetch): Promise<HubIdentity> {
  try {
    const me = await whoAmI({ accessToken: token, hubUrl: endpoint, fetch: hubFetch({ endpoint, retries: 1, backoffMs: 200, fetch: f }) });
    const orgs = 'orgs' in me && Array.isArray(me.orgs) ? me.orgs.map((x) => x.name) : [];
    return { name: me.name, type: me.type, orgs };
  } catch (err) {
    if (err instanceof HubApiError && err.statusCode === 401) return Promise.reject(new StudioError('token_rejected', `token rejected by ${endpoint}`));
    if (err instanceof SyntaxError)
      return Promise.reject(new StudioError('not_a_hub', `${endpoint} answered whoami with something that is not JSON; is it a Hugging Face Hub endpoint?`));
    throw describeHubError(err, endpoint, 'checking the token');
  }
}
