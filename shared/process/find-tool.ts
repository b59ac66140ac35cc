import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PATH } from './minimal-env';

const located = new Map<string, string | null>();

/**
 * The executable `name` on the PATH or in the usual system folders, looked up once per process
 * and search path (the sandbox's tools do not come and go while ccp runs); `null` when absent.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap08.html
 */
export function findTool(name: string, searchPath: string = `${process.env.PATH ?? ''}:${DEFAULT_PATH}`): string | null {
  const key = `${name}\0${searchPath}`;
  if (!located.has(key)) {
    located.set(key, null);
    for (const dir of searchPath.split(':').filter(Boolean)) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        located.set(key, candidate);
        break;
      } catch {
        // not here
      }
    }
  }
  return located.get(key) ?? null;
}
