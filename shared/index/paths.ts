import path from 'node:path';
import { ValidationError } from '../errors/validation-error';
import type { EntryKey } from './fields';
import type { ProjectEntry, ProjectPaths } from './types';

type PathFields = Pick<ProjectEntry, 'gitPath' | 'targetFile' | 'buildContext' | 'prebuildScript' | 'prebuildContext'>;

/** A path field that does not stay inside the repository. */
export interface PathProblem {
  key: EntryKey;
  message: string;
}

/**
 * The project's files relative to the repository root, as the pipeline uses them: the Dockerfile
 * is `git-path/target-file`, the build context `git-path/build-context`, the prebuild script
 * runs in `prebuild-context` (from the root) as `prebuild-context/prebuild-script`.
 * POSIX, normalised, `.` for the root. Throws a {@link ValidationError} when a path leaves the
 * repository; the index loader has already left such entries out.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function resolveProjectPaths(entry: PathFields): ProjectPaths {
  const problems = findPathProblems(entry);
  if (problems.length > 0) {
    throw new ValidationError(
      'project paths leave the repository',
      problems.map(({ key, message }) => ({ field: key, message })),
    );
  }
  const gitPath = fromRoot(entry.gitPath);
  const paths: ProjectPaths = {
    gitPath,
    dockerfile: join(gitPath, entry.targetFile),
    contextDir: join(gitPath, entry.buildContext || '.'),
  };
  if (entry.prebuildScript) {
    const prebuildDir = fromRoot(entry.prebuildContext ?? '');
    paths.prebuildDir = prebuildDir;
    paths.prebuildScript = join(prebuildDir, entry.prebuildScript);
  }
  return paths;
}

/**
 * Every path field that would leave the repository or is absolute where it must be relative.
 * `git-path` and `prebuild-context` are relative to the repository root, so the seed's leading
 * `/` (`git-path: /`, `git-path: /python/3/`) means the root, not the host's root. The other
 * paths are relative to a folder inside the repository and may not be absolute. A context that
 * climbs back exactly to the root (`git-path: a/b`, `build-context: ../../`) is fine.
 */
export function findPathProblems(entry: PathFields): PathProblem[] {
  const problems: PathProblem[] = [];
  const gitPath = fromRoot(entry.gitPath);
  if (escapes(gitPath)) problems.push({ key: 'git-path', message: `"${entry.gitPath}" leaves the repository` });

  const underGitPath: Array<[EntryKey, string]> = [
    ['target-file', entry.targetFile],
    ['build-context', entry.buildContext],
  ];
  for (const [key, value] of underGitPath) {
    if (isAbsolute(value)) problems.push({ key, message: `"${value}" is absolute; it must be relative to git-path` });
    else if (!escapes(gitPath) && escapes(join(gitPath, value || '.'))) {
      problems.push({ key, message: `"${value}" relative to git-path "${entry.gitPath}" leaves the repository` });
    }
  }

  // The script is checked without a prebuild-context too: an entry that comes in an event is
  // not the index loader's, and resolveProjectPaths then runs it from the root.
  const prebuildDir = fromRoot(entry.prebuildContext ?? '');
  if (entry.prebuildContext !== undefined && escapes(prebuildDir)) {
    problems.push({ key: 'prebuild-context', message: `"${entry.prebuildContext}" leaves the repository` });
  }
  const script = entry.prebuildScript;
  if (script !== undefined) {
    if (isAbsolute(script)) problems.push({ key: 'prebuild-script', message: `"${script}" is absolute; it must be relative to prebuild-context` });
    else if (!escapes(prebuildDir) && escapes(join(prebuildDir, script))) {
      problems.push({ key: 'prebuild-script', message: `"${script}" relative to prebuild-context "${entry.prebuildContext ?? ''}" leaves the repository` });
    }
  }
  return problems;
}

/** A path the index gives from the repository root; a leading `/` is that root. */
function fromRoot(value: string): string {
  return normalise(value.replace(/^\/+/, ''));
}

function join(base: string, relative: string): string {
  return normalise(path.posix.join(base, relative));
}

function normalise(value: string): string {
  const normal = path.posix.normalize(value || '.');
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

function isAbsolute(value: string): boolean {
  return path.posix.isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value);
}

function escapes(normalised: string): boolean {
  return normalised === '..' || normalised.startsWith('../');
}
