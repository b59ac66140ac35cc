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
  return {
    async entry(relative): Promise<TreeEntry | null> {
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
    },
  };
}
