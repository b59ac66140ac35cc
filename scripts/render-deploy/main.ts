import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FUNCTIONS } from '../../functions/api';
import { packageRoot } from '../../shared/config/package-root';
import { OPTIONAL_FILES, renderDeploy, SERVICES_DIR, staleFiles } from './render';

/**
 * `npm run render:deploy`: writes the manifests generated from functions/api.ts.
 * `--check` writes nothing and exits 1 naming each stale file (what CI's test does too).
 */
function main(argv: readonly string[]): number {
  const root = packageRoot();
  const functions = [...FUNCTIONS.values()];
  if (argv.includes('--check')) {
    const stale = staleFiles(functions, root);
    for (const file of stale) console.error(`render-deploy: ${file.path} is ${file.problem}`);
    if (stale.length > 0) console.error('render-deploy: run `npm run render:deploy` and commit the result');
    return stale.length > 0 ? 1 : 0;
  }
  const rendered = renderDeploy(functions, root);
  const keep = new Set(rendered.map((file) => path.basename(file.path)));
  mkdirSync(path.join(root, SERVICES_DIR), { recursive: true });
  for (const name of readdirSync(path.join(root, SERVICES_DIR), { withFileTypes: true })) {
    if (name.isFile() && !keep.has(name.name)) rmSync(path.join(root, SERVICES_DIR, name.name));
  }
  for (const file of OPTIONAL_FILES) {
    if (!rendered.some((candidate) => candidate.path === file)) rmSync(path.join(root, file), { force: true });
  }
  for (const file of rendered) {
    mkdirSync(path.dirname(path.join(root, file.path)), { recursive: true });
    writeFileSync(path.join(root, file.path), file.content);
    console.log(`render-deploy: wrote ${file.path}`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
