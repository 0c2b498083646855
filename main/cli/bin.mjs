#!/usr/bin/env node
// Entry of the `studio` command: runs the built CLI bundle.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundle = join(root, 'out', 'main', 'cli.js');
if (!existsSync(bundle)) {
  console.error(`studio: the app is not built yet (${bundle} is missing); run 'npm run build' in ${root}`);
  process.exit(1);
}
createRequire(import.meta.url)(bundle);
