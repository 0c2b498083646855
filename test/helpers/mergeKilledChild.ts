// Writes a long native merge into <out>.partial-<id>/ and prints PROGRESS at its
// first progress event, so a test can SIGKILL it mid-write.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runNativeMerge } from '../../main/core/native/safetensors';

const [src, outDir] = process.argv.slice(2);
const tmp = `${outDir}.partial-dead1`;
mkdirSync(tmp, { recursive: true });
let said = false;
void runNativeMerge(
  { rounding: 'peft', io: 'buffered', shards: [{ path: join(tmp, 'model.safetensors'), tensors: [{ name: 'w', srcFile: src!, srcTensor: 'w', outDtype: 'BF16' }] }] },
  () => {
    if (!said) process.stdout.write('PROGRESS\n');
    said = true;
  },
);
setInterval(() => undefined, 1000);
