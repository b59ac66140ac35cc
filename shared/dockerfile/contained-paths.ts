import { findEscapingLinks, OutsideRepositoryError, resolveInside, type TreeReader } from '../git/inside-checkout';
import type { ProjectPaths } from '../index/types';

/** A project's paths with every symlink followed inside the repository; null for what does not exist (or is of the wrong kind). */
export interface ContainedPaths {
  gitPath: string | null;
  dockerfile: string | null;
  contextDir: string | null;
  prebuildDir?: string | null;
  prebuildScript?: string | null;
}

/** A path of the project leads out of the repository; the message is the build's and the lint's reason. */
export class ContainmentFailure extends Error {
  override readonly name = 'ContainmentFailure';
}

/**
 * Resolves every path of a project (`resolveProjectPaths`' output, already free of `..` that
 * climbs out) on `tree`, the checkout or the commit's objects, following symlinks inside the
 * repository only: git-path first (a link there is reported as git-path), then target-file,
 * build-context, prebuild-context and prebuild-script. Throws {@link ContainmentFailure}
 * (`build-context app/link leads out of the repository (app/link -> /etc)`) when one leaves.
 * @see ../../functions/build/builders/readme.md
 */
export async function containProjectPaths(tree: TreeReader, paths: ProjectPaths): Promise<ContainedPaths> {
  const find = async (what: string, relative: string, kind: 'file' | 'dir'): Promise<string | null> => {
    try {
      const found = await resolveInside(tree, relative, what);
      return found && found.kind === kind ? found.path : null;
    } catch (error) {
      if (error instanceof OutsideRepositoryError) throw new ContainmentFailure(error.message);
      throw error;
    }
  };
  const contained: ContainedPaths = {
    gitPath: await find('git-path', paths.gitPath, 'dir'),
    dockerfile: await find('target-file', paths.dockerfile, 'file'),
    contextDir: await find('build-context', paths.contextDir, 'dir'),
  };
  if (paths.prebuildDir !== undefined) contained.prebuildDir = await find('prebuild-context', paths.prebuildDir, 'dir');
  if (paths.prebuildScript !== undefined) contained.prebuildScript = await find('prebuild-script', paths.prebuildScript, 'file');
  return contained;
}

/**
 * Throws {@link ContainmentFailure} when one of `links` (the symlinks below the build context
 * `contextDir`, from `linksOnDisk` or `linksInCommit`) leads out of the repository, naming up
 * to three of them: `build context app has a symlink that leads out of the repository:
 * app/passwd -> /etc/passwd`.
 * @see ../../functions/build/builders/readme.md
 */
export async function refuseEscapingLinks(tree: TreeReader, contextDir: string, links: string[]): Promise<void> {
  const found = await findEscapingLinks(tree, links, 3);
  if (found.length === 0) return;
  const named = found.map(({ link, via, target }) => (link === via ? `${link} -> ${target}` : `${link} (${via} -> ${target})`));
  const some = found.length === 1 ? 'a symlink that leads' : 'symlinks that lead';
  throw new ContainmentFailure(`build context ${contextDir} has ${some} out of the repository: ${named.join(', ')}`);
}
