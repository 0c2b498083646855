// The sources' formatting: Prettier for TypeScript and JavaScript (.prettierrc.json, .prettierignore),
// clang-format for the C++ under native/ (native/.clang-format). `node test/formatCheck.mjs` checks and
// names every file that differs (npm test's lint step); `--write` rewrites them (`npm run format`).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const write = process.argv.includes('--write');

function tracked(patterns) {
  const r = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '--', ...patterns], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

function run(what, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${what}: the files above are not formatted; run 'npm run format'.`);
    process.exit(1);
  }
}

const prettier = join(dirname(require.resolve('prettier/package.json')), 'bin', 'prettier.cjs');
run('Prettier', process.execPath, [
  prettier,
  write ? '--write' : '--check',
  '--log-level',
  write ? 'warn' : 'log',
  ...tracked(['*.ts', '*.tsx', '*.mts', '*.mjs', '*.cjs', '*.js']),
]);

const clangFormat = join(dirname(require.resolve('clang-format/package.json')), 'index.js');
const cpp = tracked(['native/*.cc', 'native/*.h']);
run('clang-format', process.execPath, [clangFormat, ...(write ? ['-i'] : ['--dry-run', '--Werror']), ...cpp]);
console.log(`formatting ${write ? 'written' : 'checked'}: ${cpp.length} C++ files and the TypeScript/JavaScript sources`);
