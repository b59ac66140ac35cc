import { existsSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The folder of ccp's own package.json, found upwards from this file, so that `eventing/` and
 * `sample/` are found the same way from the sources (ts-jest) and from `dist/`.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'eventing'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ccp package root above ${__dirname}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}
