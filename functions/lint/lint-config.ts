import path from 'node:path';
import { containProjectPaths, refuseEscapingLinks } from '../../shared/dockerfile/contained-paths';
import { gitTree, linksInCommit } from '../../shared/git/git-tree';
import type { RepoCache } from '../../shared/git/repo-cache';
import { runGitBuffer } from '../../shared/git/run-git';
import type { ProjectPaths } from '../../shared/index/types';

const CONFIG_NAMES = ['.hadolint.yaml', '.hadolint.yml'];

/**
 * The project's `.hadolint.yaml`: beside the Dockerfile first, then at the repository root,
 * as hadolint looks in the working folder first. `null` when the repository has none.
 * @see https://github.com/hadolint/hadolint#configure
 */
export async function findLintConfig(repos: RepoCache, url: string, commit: string, gitPath: string): Promise<{ path: string; text: string } | null> {
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

/**
 * The project's Dockerfile at `commit`, read from the objects under the rule the build applies
 * to its checkout (`shared/dockerfile/contained-paths.ts`): symlinks followed inside the
 * repository, so the lint reads the very bytes buildah will build; a path or a context symlink
 * that leads out throws `ContainmentFailure` with the build's own words. `null` when the
 * commit has no such Dockerfile; `gitPath` is git-path with its symlinks followed (where
 * `.hadolint.yaml` is looked for).
 * @see ../build/builders/readme.md
 */
export async function readContained(gitDir: string, commit: string, paths: ProjectPaths): Promise<{ bytes: Buffer; gitPath: string } | null> {
  const tree = gitTree(gitDir, commit);
  const contained = await containProjectPaths(tree, paths);
  if (contained.dockerfile === null) return null;
  if (contained.contextDir !== null) await refuseEscapingLinks(tree, paths.contextDir, await linksInCommit(gitDir, commit, contained.contextDir));
  const { stdout } = await runGitBuffer(['--git-dir', gitDir, 'cat-file', 'blob', `${commit}:${contained.dockerfile}`]);
  return { bytes: stdout, gitPath: contained.gitPath ?? paths.gitPath };
}
