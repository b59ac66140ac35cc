import type { TreeEntry, TreeReader } from './inside-checkout';
import { runGit, runGitBuffer } from './run-git';

/**
 * The tree of `commit` in the (bare) repository `gitDir` as a {@link TreeReader}: `git ls-tree`
 * says what a path is (mode 120000 is a symlink, whose blob is its target), so a path is
 * resolved from the objects exactly as a checkout of that commit would resolve it on disk.
 * A submodule (gitlink) is an empty folder, as in a checkout that never runs `git submodule`.
 * The whole tree is listed once, on the first question, and every link target is read in one
 * `git cat-file --batch`: a repository of thousands of links costs two git processes, not
 * thousands.
 * @see https://git-scm.com/docs/git-ls-tree
 */
export function gitTree(gitDir: string, commit: string): TreeReader {
  let entries: Promise<Map<string, TreeEntry>> | null = null;
  return {
    async entry(relative): Promise<TreeEntry | null> {
      if (relative === '.' || relative === '') return { kind: 'dir' };
      entries ??= listTree(gitDir, commit);
      return (await entries).get(relative) ?? null;
    },
  };
}

async function listTree(gitDir: string, commit: string): Promise<Map<string, TreeEntry>> {
  const { stdout } = await runGitBuffer(['--git-dir', gitDir, 'ls-tree', '-r', '-t', '-z', '--full-tree', commit]);
  const entries = new Map<string, TreeEntry>();
  const links = new Map<string, string>();
  for (const line of stdout.toString('utf8').split('\0')) {
    // `<mode> SP <type> SP <object> TAB <path>`
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (!match) continue;
    const [, mode, type, object, file] = match as unknown as [string, string, string, string, string];
    if (mode === '120000') links.set(file, object);
    else entries.set(file, { kind: type === 'tree' || type === 'commit' ? 'dir' : type === 'blob' ? 'file' : 'other' });
  }
  const targets = await readBlobs(gitDir, [...new Set(links.values())]);
  for (const [file, object] of links) entries.set(file, { kind: 'link', target: targets.get(object) ?? '' });
  return entries;
}

/** The content of each blob, through one `git cat-file --batch`. */
async function readBlobs(gitDir: string, objects: string[]): Promise<Map<string, string>> {
  const blobs = new Map<string, string>();
  if (objects.length === 0) return blobs;
  const { stdout: out } = await runGitBuffer(['--git-dir', gitDir, 'cat-file', '--batch'], { input: `${objects.join('\n')}\n` });
  let at = 0;
  while (at < out.length) {
    const end = out.indexOf(0x0a, at);
    if (end < 0) break;
    const [object, , size] = out.subarray(at, end).toString('latin1').split(' ');
    const length = Number(size);
    if (!object || !Number.isFinite(length)) break;
    blobs.set(object, out.subarray(end + 1, end + 1 + length).toString('utf8'));
    at = end + 1 + length + 1;
  }
  return blobs;
}

/**
 * Every symlink (mode 120000) below `dir` in the tree of `commit`: what `linksOnDisk`
 * (`inside-checkout.ts`) finds in a checkout of it.
 * @see https://git-scm.com/docs/git-ls-tree
 */
export async function linksInCommit(gitDir: string, commit: string, dir: string): Promise<string[]> {
  const args = ['--literal-pathspecs', '--git-dir', gitDir, 'ls-tree', '-r', '-z', '--full-tree', commit];
  const { stdout } = await runGit(dir === '.' ? args : [...args, '--', dir]);
  return stdout
    .split('\0')
    .filter((line) => line.startsWith('120000 '))
    .map((line) => line.slice(line.indexOf('\t') + 1))
    .sort();
}
