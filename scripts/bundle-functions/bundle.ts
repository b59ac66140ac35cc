import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/** Where the bundles go, beside the compiled entry they replace (`dist/functions/main.js`). */
export const BUNDLES_DIR = path.join('dist', 'functions', 'bundles');
/** The image's entry (func.yaml, Containerfile): written over tsc's output of functions/main.ts. */
export const ENTRY = path.join('dist', 'functions', 'main.js');

/**
 * Makes the `require('./<other>')` of functions/api.ts a module that throws, so that the bundle
 * of `name` holds that function's code (and every function's manifest) and no other's.
 * @see https://esbuild.github.io/plugins/#on-resolve
 */
function onlyFunction(name: string, names: readonly string[]): Plugin {
  return {
    name: 'ccp-only-function',
    setup(plugin) {
      plugin.onResolve({ filter: /^\.\/[a-z-]+$/ }, (args) => {
        const target = args.path.slice(2);
        if (path.basename(args.importer) !== 'api.ts' || path.basename(path.dirname(args.importer)) !== 'functions') return undefined;
        if (target === name || !names.includes(target)) return undefined;
        return { path: target, namespace: 'ccp-other-function' };
      });
      plugin.onLoad({ filter: /.*/, namespace: 'ccp-other-function' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`this bundle serves the function ${name}, not ${args.path}`)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Writes `outfile` (and `outfile.map`): functions/main.ts of the package at `root` with the code
 * of the function `name` and of no other of `names`; packages stay external.
 * @see https://esbuild.github.io/api/#bundle
 */
export async function bundleFunction(root: string, name: string, names: readonly string[], outfile: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'functions', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    outfile,
    logLevel: 'warning',
    plugins: [onlyFunction(name, names)],
  });
}

/**
 * The entry that picks the bundle of `FUNCTION` (the first one when FUNCTION names none: the
 * entry's own validation then says so) and runs it, or exports it when required.
 */
export function entrySource(names: readonly string[]): string {
  return [
    '"use strict";',
    '// Written by scripts/bundle-functions (npm run build): each function has its own bundle.',
    `const BUNDLED = ${JSON.stringify(names)};`,
    'const name = BUNDLED.includes(process.env.FUNCTION) ? process.env.FUNCTION : BUNDLED[0];',
    'const entry = require(`./bundles/${name}.js`);',
    'module.exports = entry;',
    'if (require.main === module) entry.main();',
    '',
  ].join('\n');
}

/**
 * One CommonJS file per function from functions/main.ts and the TypeScript sources it requires
 * (packages stay in node_modules, required as before), with its source map; then the image's
 * entry that loads the one `FUNCTION` names. A fresh process reads one file of ccp's code
 * instead of 100 to 200 compiled modules (bench/cold-start.ts).
 * @see https://esbuild.github.io/api/#bundle
 */
export async function bundleFunctions(root: string, names: readonly string[]): Promise<string[]> {
  rmSync(path.join(root, BUNDLES_DIR), { recursive: true, force: true });
  const written: string[] = [];
  for (const name of names) {
    const outfile = path.join(root, BUNDLES_DIR, `${name}.js`);
    await bundleFunction(root, name, names, outfile);
    written.push(outfile);
  }
  writeFileSync(path.join(root, ENTRY), entrySource(names));
  // tsc's map of the file just replaced would describe code that is no longer there.
  rmSync(path.join(root, `${ENTRY}.map`), { force: true });
  return written;
}
