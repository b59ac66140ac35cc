import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/config/package-root';
import { README_FILE, renderContracts, SCHEMAS_DIR } from './render';

/**
 * `npm run generate:contracts`: writes what the event contracts (shared/events/contracts/)
 * publish: eventing/schemas/*.json, eventing/event-types.yaml and the README's events table.
 * `--check` writes nothing and exits 1 naming each stale file.
 */
function main(argv: readonly string[]): number {
  const root = packageRoot();
  const files = renderContracts(readFileSync(path.join(root, README_FILE), 'utf8'));
  const schemasDir = path.join(root, SCHEMAS_DIR);
  const wanted = new Set(files.map((file) => file.path));
  const strays = existsSync(schemasDir)
    ? readdirSync(schemasDir)
        .map((name) => `${SCHEMAS_DIR}/${name}`)
        .filter((file) => !wanted.has(file))
    : [];
  if (argv.includes('--check')) {
    const stale = files
      .filter((file) => !existsSync(path.join(root, file.path)) || readFileSync(path.join(root, file.path), 'utf8') !== file.content)
      .map((file) => file.path);
    for (const file of [...stale, ...strays]) console.error(`generate-contracts: ${file} is stale`);
    if (stale.length + strays.length > 0) console.error('generate-contracts: run `npm run generate:contracts` and commit the result');
    return stale.length + strays.length > 0 ? 1 : 0;
  }
  for (const file of strays) rmSync(path.join(root, file));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file.path)), { recursive: true });
    writeFileSync(path.join(root, file.path), file.content);
    console.log(`generate-contracts: wrote ${file.path}`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
