// Run by local-registry.spec.ts in a node process of its own: starts a registry under the folder
// it is given, prints the registry's pid, then dies of an uncaught error (no guard installed).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startLocalRegistry } from '../local-registry';

void (async () => {
  const dir = process.argv[2]!;
  await startLocalRegistry({ dir });
  process.stdout.write(`${(await readFile(path.join(dir, 'registry.pid'), 'utf8')).trim()}\n`);
  setTimeout(() => {
    throw new Error('the process dies');
  }, 10);
})();
