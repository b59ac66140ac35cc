import path from 'node:path';
import type { RepoCache } from '../../shared/git/repo-cache';

const CONFIG_NAMES = ['.hadolint.yaml', '.hadolint.yml'];

/**
 * The project's `.hadolint.yaml`: beside the Dockerfile first, then at the repository root,
 * as hadolint looks in the working folder first. `null` when the repository has none.
 * @see https://github.com/hadolint/hadolint#configure
 */
export async function findLintConfig(
  repos: RepoCache,
  url: string,
  commit: string,
  gitPath: string,
): Promise<{ path: string; text: string } | null> {
  const folders = [...new Set([path.posix.normalize(gitPath || '.'), '.'])];
  for (const folder of folders) {
    for (const name of CONFIG_NAMES) {
      const file = path.posix.join(folder, name);
      const content = await repos.readFile(url, commit, file);
      if (content) return { path: file, text: content.toString('utf8') };
    }
  }
  return null;
}
