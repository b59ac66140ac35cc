import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';

/** What a path of a repository is, without following it when it is a symlink. */
export type TreeEntry = { kind: 'file' | 'dir' | 'other' } | { kind: 'link'; target: string };

/**
 * A repository's tree, as a checkout on disk ({@link fsTree}) or as the objects of one commit
 * (`git-tree.ts`): both answer with the same rule, so lint and build agree on every path.
 */
export interface TreeReader {
  /** The entry at `relative` (POSIX, from the root, no symlink before its last part); null when absent. */
  entry(relative: string): Promise<TreeEntry | null>;
}

/** A path of an index entry, or a symlink the way to it passes, that leads out of the repository. */
export class OutsideRepositoryError extends Error {
  override readonly name = 'OutsideRepositoryError';

  constructor(
    readonly what: string,
    readonly value: string,
    readonly link: string,
    readonly target: string,
  ) {
    super(`${what} ${value} leads out of the repository (${link} -> ${target})`);
  }
}

/** Where a path of the repository leads once every symlink on the way is followed. */
export interface Resolved {
  /** POSIX, relative to the root, no symlink in it; `.` for the root. */
  path: string;
  kind: 'file' | 'dir' | 'other';
}

/** Linux's own bound on symlinks followed in one lookup (ELOOP). */
const MAX_LINKS = 40;

/**
 * Resolves `relative` (from the repository root) the way the kernel would, but with the
 * repository as the whole world: a symlink whose target is absolute, or whose `..` climbs above
 * the root, throws {@link OutsideRepositoryError} naming the path, the link and its target,
 * even when that target would come back inside (a checkout's absolute location is not part of
 * the repository, and git objects have none). `null` when the path does not exist.
 * `what` and `value` name the path in the message (`build-context`, `link`).
 * @see https://man7.org/linux/man-pages/man7/path_resolution.7.html
 */
export async function resolveInside(tree: TreeReader, relative: string, what: string, value: string = relative): Promise<Resolved | null> {
  const resolved: string[] = [];
  const pending = parts(relative);
  let links = 0;
  let via: { link: string; target: string } | null = null;
  let kind: Resolved['kind'] = 'dir';
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      if (kind !== 'dir') return null;
      if (resolved.length === 0) throw new OutsideRepositoryError(what, value, via?.link ?? relative, via?.target ?? relative);
      resolved.pop();
      kind = 'dir';
      continue;
    }
    if (kind !== 'dir') return null;
    const here = [...resolved, part].join('/');
    const entry = await tree.entry(here);
    if (!entry) return null;
    if (entry.kind === 'link') {
      links += 1;
      if (links > MAX_LINKS) throw new OutsideRepositoryError(what, value, here, `more than ${MAX_LINKS} symlinks`);
      via = { link: here, target: entry.target };
      if (entry.target.startsWith('/')) throw new OutsideRepositoryError(what, value, here, entry.target);
      pending.unshift(...parts(entry.target));
      continue;
    }
    resolved.push(part);
    kind = entry.kind;
  }
  return { path: resolved.length > 0 ? resolved.join('/') : '.', kind };
}

/**
 * A checkout on disk as a {@link TreeReader}: `lstat` and `readlink` below `root`, never
 * following a link itself.
 * @see https://nodejs.org/api/fs.html#fspromiseslstatpath-options
 */
export function fsTree(root: string): TreeReader {
  return {
    async entry(relative) {
      const file = path.join(root, relative);
      const info = await lstat(file).catch(() => null);
      if (!info) return null;
      if (info.isSymbolicLink()) return { kind: 'link', target: await readlink(file) };
      return { kind: info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other' };
    },
  };
}

/** An escaping symlink found by {@link findEscapingLinks}. */
export interface EscapingLink {
  /** The link, relative to the repository root. */
  link: string;
  /** The link whose target leaves (this one, or one its target passes through) and that target. */
  via: string;
  target: string;
}

/**
 * Those of `links` (paths of symlinks, relative to the root) whose target leads out of the
 * repository under {@link resolveInside}'s rule; dangling links that stay inside are harmless
 * and not listed. At most `limit` are reported.
 * @see ../../functions/build/builders/readme.md
 */
export async function findEscapingLinks(tree: TreeReader, links: string[], limit = 20): Promise<EscapingLink[]> {
  const found: EscapingLink[] = [];
  for (const link of links) {
    try {
      await resolveInside(tree, link, 'link');
    } catch (error) {
      if (!(error instanceof OutsideRepositoryError)) throw error;
      found.push({ link, via: error.link, target: error.target });
      if (found.length >= limit) break;
    }
  }
  return found;
}

/**
 * Every symlink below `dir` (relative to the checkout `root`), walking without following links,
 * so a link to `/` is seen, not entered.
 * @see https://nodejs.org/api/fs.html#fspromisesreaddirpath-options
 */
export async function linksOnDisk(root: string, dir: string): Promise<string[]> {
  const links: string[] = [];
  const queue = [dir];
  while (queue.length > 0) {
    const folder = queue.shift() as string;
    const items = await readdir(path.join(root, folder), { withFileTypes: true }).catch(() => []);
    for (const item of items) {
      const relative = folder === '.' ? item.name : `${folder}/${item.name}`;
      if (item.isDirectory()) queue.push(relative);
      else if (item.isSymbolicLink()) links.push(relative);
    }
  }
  return links.sort();
}

function parts(value: string): string[] {
  return value.split('/').filter((part) => part !== '' && part !== '.');
}
