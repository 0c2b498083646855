// The Upload step's job: push an adapter or a merged folder to a (new or
// existing, private by default) model repo with a generated model card. Large
// files take the Hub's LFS path (multipart where the Hub asks for it); failed
// parts are retried; cancel aborts every request; the commit URL is recorded.
import { openAsBlob } from 'node:fs';
import { HubApiError, commitIter, createRepo, type CommitOperation, type CommitOutput } from '@huggingface/hub';
import type { z } from 'zod';
import { UploadConfig } from '../../../../preload/contract/upload';
import type { JobContext, JobDefinition } from '../../jobs/types';
import { CancelledError, StudioError } from '../../util/errors';
import { listFiles, type WalkEntry } from '../../util/hash';
import { nowIso } from '../../util/time';
import { ByteProgress, formatBytes } from './byteProgress';
import { gatherCardFacts } from './cardFacts';
import { describeHubError, hubFetch, normalizeEndpoint, whoami } from './hubClient';
import { uploadModelCard } from './modelCard';
import type { TokenStore } from './tokenStore';
import { prepareUpload } from './localPaths';
import { baseModelOf, setModelHubId } from '../../lineage/hubId';

type Config = z.output<typeof UploadConfig>;

export interface UploadJobOptions {
  /** Replaces global fetch (tests, proxies). */
  fetch?: typeof fetch;
  retries?: number;
  backoffMs?: number;
}

const CARD = 'README.md';

// Never uploaded: version-control and cache litter, and our own half-written files.
function skipped(rel: string): boolean {
  const parts = rel.split('/');
  if (rel === CARD) return true; // replaced by the generated card
  return parts.some((p) => p === '.git' || p === '__pycache__' || p === '.DS_Store' || p.includes('.partial')) || rel.endsWith('.pyc');
}

async function uploadableFiles(dir: string): Promise<WalkEntry[]> {
  const files = (await listFiles(dir)).filter((f) => f.rel !== '' && !skipped(f.rel));
  if (!files.length) throw new StudioError('bad_input', `${dir} holds no files to upload`);
  return files;
}

function repoNotFound(err: unknown): boolean {
  return err instanceof HubApiError && err.statusCode === 404;
}

async function ensureRepo(ctx: JobContext<Config>, repo: string, endpoint: string, token: string, f: typeof fetch): Promise<void> {
  if (!ctx.config.create) return;
  try {
    await createRepo({ repo: { type: 'model', name: repo }, accessToken: token, hubUrl: endpoint, visibility: ctx.config.private ? 'private' : 'public', fetch: f });
    ctx.log('info', `created ${ctx.config.private ? 'private' : 'public'} model repo ${repo} on ${endpoint}`);
  } catch (err) {
    if (err instanceof HubApiError && err.statusCode === 409) {
      ctx.log('info', `model repo ${repo} exists on ${endpoint}; uploading a new commit to it (its visibility is left as it is)`);
      return;
    }
    throw describeHubError(err, endpoint, `creating the repo ${repo}`);
  }
}

async function runCommit(ctx: JobContext<Config>, params: Parameters<typeof commitIter>[0], bytes: ByteProgress, report: () => void): Promise<CommitOutput> {
  const it = commitIter(params);
  for (;;) {
    const r = await it.next();
    if (r.done) {
      if (!r.value) throw new StudioError('hub_error', `${params.hubUrl} finished the commit without a commit URL`);
      return r.value;
    }
    const e = r.value;
    if (e.event === 'phase') ctx.log('debug', `phase: ${e.phase}`);
    else if (e.state === 'hashing') ctx.progress(bytes.total ? bytes.done / bytes.total : 0, `hashing ${e.path} (${Math.round(e.progress * 100)}%)`);
    else if (e.state === 'uploading' && e.progress >= 1) {
      bytes.finish(e.path);
      report();
    }
  }
}

export function makeUploadJob(tokens: TokenStore, options: UploadJobOptions = {}): JobDefinition<Config> {
  return {
    kind: 'upload.run',
    step: 'upload',
    schema: UploadConfig,
    title: (c) => `Upload to ${c.repo}`,
    // The token is not part of the config; an endpoint with credentials in it is refused by the schema, and scrubbed here too.
    redact: (c) => (c.endpoint ? { ...c, endpoint: c.endpoint.replace(/\/\/[^/@]*@/, '//') } : c),
    async run(ctx) {
      const artifact = ctx.input(ctx.config.artifactId, 'upload', ['adapter', 'merged-model'], 'an adapter or a merged model');
      // Checked before sign-in and before any request: a local path never leaves this machine.
      const base = baseModelOf(ctx.project, artifact);
      const given = ctx.config.baseModelId ?? null;
      if (given && base.base && base.hubId !== given && (base.base.kind === 'base-model' || base.base.kind === 'merged-model')) {
        setModelHubId(ctx.project, base.base, given);
        ctx.log('info', `base model '${base.base.name}' recorded as ${given} on the Hub`);
      }
      const baseModelId = given ?? base.hubId;
      const prepared = prepareUpload({
        kind: artifact.kind,
        files: await uploadableFiles(artifact.path),
        baseModelId,
        privateDirs: [artifact.path, ctx.project.dir, ...(base.base ? [base.base.path] : [])],
        log: (m) => ctx.log('info', m),
      });
      const cred = await tokens.get();
      if (!cred) throw new StudioError('not_signed_in', 'sign in to the Hugging Face Hub first (Upload → Sign in), or set HF_TOKEN');
      const endpoint = normalizeEndpoint(ctx.config.endpoint ?? cred.endpoint);
      // A token goes only to the hub it was issued by.
      if (endpoint !== normalizeEndpoint(cred.endpoint))
        throw new StudioError('wrong_endpoint', `you are signed in to ${normalizeEndpoint(cred.endpoint)}, not ${endpoint}; sign in to ${endpoint} to upload there`);

      const me = await whoami(endpoint, cred.token, options.fetch);
      const repo = ctx.config.repo.includes('/') ? ctx.config.repo : `${me.name}/${ctx.config.repo}`;
      const card = uploadModelCard({ facts: gatherCardFacts(ctx.project, artifact, baseModelId), repo, endpoint, createdAt: nowIso() });
      const cardBlob = new Blob([card], { type: 'text/markdown' });
      const sizes = new Map<string, number>([...prepared.map((f) => [f.rel, f.size] as const), [CARD, cardBlob.size]]);
      const bytes = new ByteProgress(sizes);
      const report = (): void => ctx.progress(bytes.total ? bytes.done / bytes.total : 1, `${formatBytes(bytes.done)} of ${formatBytes(bytes.total)}`);
      const f = hubFetch({
        endpoint,
        fetch: options.fetch,
        retries: options.retries,
        backoffMs: options.backoffMs,
        onBytes: (path, delta) => (bytes.add(path, delta), report()),
        onRetry: (what, attempt, reason) => ctx.log('warn', `${what} failed (${reason}); retry ${attempt}`),
      });

      ctx.throwIfCancelled();
      await ensureRepo(ctx, repo, endpoint, cred.token, f);
      const operations: CommitOperation[] = [
        ...(await Promise.all(
          prepared.map(async (x) => ({ operation: 'addOrUpdate' as const, path: x.rel, content: x.content !== undefined ? new Blob([x.content]) : await openAsBlob(x.path) })),
        )),
        { operation: 'addOrUpdate', path: CARD, content: cardBlob },
      ];
      ctx.log('info', `uploading ${sizes.size} files (${formatBytes(bytes.total)}) from ${artifact.path} to ${repo} on ${endpoint}`);
      report();
      let out: CommitOutput;
      try {
        out = await runCommit(
          ctx,
          {
            repo: { type: 'model', name: repo },
            operations,
            title: ctx.config.commitMessage ?? `Upload ${artifact.name} from VLM SFT Studio`,
            hubUrl: endpoint,
            accessToken: cred.token,
            fetch: f,
            abortSignal: ctx.signal,
            // The classic LFS path (S3 PUT, multipart): what mirrors and enterprise hubs speak.
            useXet: false,
          },
          bytes,
          report,
        );
      } catch (err) {
        if (ctx.signal.aborted) throw new CancelledError();
        if (repoNotFound(err) && !ctx.config.create)
          throw new StudioError('repo_not_found', `${repo} does not exist on ${endpoint} (or the token cannot see it); turn on "create" to make it`);
        throw describeHubError(err, endpoint, `uploading to ${repo}`);
      }
      bytes.finishAll();
      report();
      ctx.project.uploads.record({
        artifactId: artifact.id,
        runId: ctx.runId,
        endpoint,
        repo,
        commitOid: out.commit.oid ?? null,
        commitUrl: out.commit.url,
        private: ctx.config.private,
        files: sizes.size,
        bytes: bytes.total,
      });
      ctx.metric('bytes_uploaded', 0, bytes.total);
      ctx.log('info', `committed ${sizes.size} files to ${repo}: ${out.commit.url}`);
    },
  };
}
