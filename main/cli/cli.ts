// `studio`: the same core on a headless machine. Plain Node, no Electron.
import { parseArgs } from 'node:util';
import { ARTIFACT_KINDS, type ArtifactKind, type RunSummary } from '../../preload/contract';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startServer } from '../server/server';
import { newToken, tokenProblem } from '../server/security';
import { looksLikeProject } from '../core/project/project';
import { Studio } from '../core/studio';
import { errorMessage } from '../core/util/errors';
import { printJobs, printProjectInfo, printSystem, progressLine } from './print';
import { runMerge } from './merge';
import { CONVERT_HELP, runConvert } from './convert';
import { runTrain, TRAIN_HELP } from './train';
import { ROLLOUT_HELP, runRollout } from './rollout';
import { EVALUATE_HELP, runEvaluate } from './evaluate';

const HELP = `studio — VLM SFT Studio on the command line

  studio serve [--port N] [--project DIR] [--keep-token] [--no-reopen]
                                             serve the UI on 127.0.0.1 (prints the URL with its token); --port N keeps
                                             the address, --keep-token the token across restarts, and the last
                                             project is reopened unless --project or --no-reopen says otherwise
  studio project create DIR --name NAME      create a project folder
  studio project info DIR                    show a project's summary
  studio jobs DIR [--json]                   list a project's jobs
  studio import DIR --path P --kind K [--copy]
                                             register a file/folder as an artifact (kinds: ${ARTIFACT_KINDS.join(', ')})
${ROLLOUT_HELP}
${CONVERT_HELP}
${TRAIN_HELP}
${EVALUATE_HELP}
  studio merge --base DIR --adapter DIR --out DIR [--dtype bf16|keep] [--rounding peft|single] [--project DIR]
                                             merge a PEFT LoRA adapter into its base model (streaming, native)
  studio system [--json]                     what this machine can do (native addon, CUDA, libtorch, ONNX providers)
`;

/** readOnly: commands that only look (info, jobs) also work while another process owns the project. */
async function withProject<T>(dir: string | undefined, fn: (studio: Studio) => Promise<T>, opts: { readOnly?: boolean } = {}): Promise<T> {
  if (!dir) throw new Error('a project folder is required');
  const studio = new Studio({ shell: 'server' });
  try {
    studio.openProject(dir, { readOnlyIfHeld: opts.readOnly ?? false });
    return await fn(studio);
  } finally {
    await studio.dispose();
  }
}

/** The token kept across restarts (--keep-token), in the app's config folder, readable by this user only. */
function keptToken(studio: Studio): string {
  const file = join(dirname(studio.appState.file), 'server-token');
  try {
    const t = readFileSync(file, 'utf8').trim();
    if (!tokenProblem(t)) return t;
  } catch {
    /* none yet */
  }
  const t = newToken();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, t, { mode: 0o600 });
  return t;
}

function parsePort(v: string | undefined): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a whole number from 0 to 65535, got '${v}'`);
  return n;
}

// Ctrl+C: running jobs get this long to stop by themselves before they are recorded as interrupted.
const SHUTDOWN_GRACE_MS = 3000;

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, project: { type: 'string' }, 'keep-token': { type: 'boolean' }, 'no-reopen': { type: 'boolean' } } });
  const port = parsePort(values.port);
  const studio = new Studio({ shell: 'server' });
  if (values.project) studio.openProject(values.project);
  else if (!values['no-reopen']) {
    const last = studio.appState.snapshot().recentProjects[0];
    if (last && looksLikeProject(last.dir)) {
      try {
        studio.openProject(last.dir);
        console.log(`Reopened the last project: ${last.name} (${last.dir}).`);
      } catch (err) {
        console.log(`Did not reopen the last project ${last.dir}: ${errorMessage(err)}`);
      }
    }
  }
  let server;
  try {
    server = await startServer(studio, { port, token: values['keep-token'] ? keptToken(studio) : undefined });
  } catch (err) {
    await studio.dispose();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(`port ${port} on 127.0.0.1 is already in use (another studio serve?); stop it or choose another --port`);
    throw err;
  }
  console.log(`Studio is serving on ${server.origin} (this machine only).`);
  console.log(`Open this URL in your browser: ${server.url}`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) process.exit(130); // a second Ctrl+C: now
    stopping = true;
    await server.close();
    const done = studio.dispose().then(() => true);
    const inTime = await Promise.race([done, new Promise<boolean>((r) => setTimeout(() => r(false), SHUTDOWN_GRACE_MS).unref())]);
    if (!inTime) {
      const n = studio.abandonProject();
      console.error(`studio: ${n} job(s) did not stop within ${SHUTDOWN_GRACE_MS / 1000} s; recorded as interrupted`);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function runImport(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { path: { type: 'string' }, kind: { type: 'string' }, copy: { type: 'boolean' } } });
  if (!values.path || !values.kind) throw new Error('--path and --kind are required');
  if (!(ARTIFACT_KINDS as readonly string[]).includes(values.kind)) throw new Error(`--kind must be one of ${ARTIFACT_KINDS.join(', ')}`);
  await withProject(positionals[0], async (studio) => {
    const { runner } = studio.requireProject();
    let last: RunSummary | null = null;
    const off = studio.events.subscribe((event, payload) => {
      if (event === 'run.updated') {
        last = payload as RunSummary;
        process.stderr.write(`\r${progressLine(last)}`);
      }
    });
    process.on('SIGINT', () => last && void studio.api.call('jobs.cancel', { runId: last.id }));
    const run = await studio.api.call('jobs.start', {
      kind: 'artifact.import',
      config: { path: values.path!, kind: values.kind as ArtifactKind, mode: values.copy ? 'copy' : 'reference' },
    });
    await runner.idle();
    off();
    const done = runner.summary(run.id);
    process.stderr.write(`\r${progressLine(done)}\n`);
    if (done.status !== 'succeeded') throw new Error(done.error ?? done.status);
  });
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'serve':
        await serve(rest);
        return -1; // keeps running
      case 'project': {
        const [sub, ...args] = rest;
        const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, json: { type: 'boolean' } } });
        if (sub === 'create') {
          const studio = new Studio({ shell: 'server' });
          const info = studio.createProject(positionals[0] ?? '', values.name ?? '');
          await studio.dispose();
          console.log(`created project '${info.name}' in ${info.dir}`);
        } else if (sub === 'info') await withProject(positionals[0], async (s) => printProjectInfo(s, Boolean(values.json)), { readOnly: true });
        else throw new Error(`unknown 'project' command '${sub ?? ''}' (create | info)`);
        return 0;
      }
      case 'jobs': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } });
        await withProject(positionals[0], async (s) => await printJobs(s, Boolean(values.json)), { readOnly: true });
        return 0;
      }
      case 'import':
        await runImport(rest);
        return 0;
      case 'rollout':
        await runRollout(rest);
        return 0;
      case 'convert':
        await runConvert(rest);
        return 0;
      case 'train':
        await runTrain(rest);
        return 0;
      case 'evaluate':
        await runEvaluate(rest);
        return 0;
      case 'merge':
        await runMerge(rest);
        return 0;
      case 'system': {
        const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
        await printSystem(Boolean(values.json));
        return 0;
      }
      case undefined:
      case '--help':
      case 'help':
        console.log(HELP);
        return 0;
      default:
        console.error(`unknown command '${cmd}'\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    console.error(`studio: ${errorMessage(err)}`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
});
