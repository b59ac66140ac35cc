import type { TreeEntry, TreeReader } from './inside-checkout';
import { GitCommandError, runGit, runGitBuffer } from './run-git';

/**
 * The tree of `commit` in the (bare) repository `gitDir` as a {@link TreeReader}: `git ls-tree`
 * says what a path is (mode 120000 is a symlink, whose blob is its target), so a path is
 * resolved from the objects exactly as a checkout of that commit would resolve it on disk.
 * A submodule (gitlink) is an empty folder, as in a checkout that never runs `git submodule`.
 * @see https://git-scm.com/docs/git-ls-tree
 */
export function gitTree(gitDir: string, commit: string): TreeReader {
  // Many links of one tree pass through the same folders: each is asked of git once.
  const seen = new Map<string, Promise<TreeEntry | null>>();
  return {
    entry(relative): Promise<TreeEntry | null> {
      const known = seen.get(relative) ?? lookUp(gitDir, commit, relative);
      seen.set(relative, known);
      return known;
    },
  };
}

async function lookUp(gitDir: string, commit: string, relative: string): Promise<TreeEntry | null> {
  if (relative === '.' || relative === '') return { kind: 'dir' };
  let line: string;
  try {
    line = (await runGit(['--literal-pathspecs', '--git-dir', gitDir, 'ls-tree', '-z', '--full-tree', commit, '--', relative])).stdout.split('\0')[0] ?? '';
  } catch (error) {
    if (error instanceof GitCommandError) return null;
    throw error;
  }
  // `<mode> SP <type> SP <object> TAB <path>`; ls-tree lists a folder's own entry, not its content.
  const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
  if (!match || match[4] !== relative) return null;
  const [, mode, type, object] = match;
  if (mode === '120000') {
    const { stdout } = await runGitBuffer(['--git-dir', gitDir, 'cat-file', 'blob', object as string]);
    return { kind: 'link', target: stdout.toString('utf8') };
  }
  if (type === 'tree' || type === 'commit') return { kind: 'dir' };
  return { kind: type === 'blob' ? 'file' : 'other' };
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
