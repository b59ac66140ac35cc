import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** Too many symbolic links while resolving a path inside an image root (a loop). */
export class SymlinkLoopError extends Error {
  override readonly name = 'SymlinkLoopError';
}

const MAX_LINKS = 255;

/**
 * Resolves `unsafePath` as if `root` were `/`, the way a chroot would: `..` stops at the root,
 * and every symbolic link met on the way (absolute or relative) is followed *inside* the root, so
 * the result can never leave it. The last component is followed only when `followLast` is set;
 * components that do not exist yet are kept as they are. Returns an absolute host path under `root`.
 * Like Go's `securejoin.SecureJoin`, which umoci and containerd use for the same job.
 * @see https://github.com/cyphar/filepath-securejoin
 */
export function resolveInRoot(root: string, unsafePath: string, followLast = true): string {
  const resolved: string[] = [];
  const pending = splitPath(unsafePath);
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    if (pending.length === 0 && !followLast) {
      resolved.push(part);
      break;
    }
    let target: string | null = null;
    try {
      if (lstatSync(candidate).isSymbolicLink()) target = readlinkSync(candidate);
    } catch {
      // does not exist (yet): keep the name as it is
    }
    if (target === null) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new SymlinkLoopError(`too many symbolic links resolving ${unsafePath} inside ${root}`);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...splitPath(target));
  }
  return path.join(root, ...resolved);
}

/** The non-empty, non-`.` components of a slash path. */
function splitPath(p: string): string[] {
  return p.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * A tar entry name made relative and clean: leading `/` and `./` dropped, `..` resolved lexically
 * and never above the root. Returns '' for the root itself.
 * @see https://pkg.go.dev/path/filepath#Clean
 */
export function cleanEntryPath(name: string): string {
  const out: string[] = [];
  for (const part of splitPath(name)) {
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
