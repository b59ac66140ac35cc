import type { Issue } from '../errors/validation-error';

/**
 * One project of the container index, with the names it has in the YAML file
 * (CentOS container-index format) turned into camelCase.
 */
export interface ProjectEntry {
  id: number;
  appId: string;
  jobId: string;
  gitUrl: string;
  gitBranch: string;
  /** Folder of the Dockerfile, relative to the repository root ('' or '.' is the root). */
  gitPath: string;
  /** Dockerfile name, relative to `gitPath`. */
  targetFile: string;
  desiredTag: string;
  notifyEmail: string[];
  /** Relative to `gitPath`. */
  buildContext: string;
  /** Relative to `prebuildContext`. */
  prebuildScript?: string;
  /** Relative to the repository root. */
  prebuildContext?: string;
  /** Parent images, `ns/name:tag` each; empty when none. */
  dependsOn: string[];
  /** Where the entry was written: index file and line of its first key. */
  source: { file: string; line: number };
}

/** The three names that identify an image in the index: `<app-id>/<job-id>:<desired-tag>`. */
export interface ProjectRef {
  appId: string;
  jobId: string;
  desiredTag: string;
}

/** `app-id/job-id:desired-tag`, the CloudEvent subject and the key used everywhere. */
export function imageName(ref: ProjectRef): string {
  return `${ref.appId}/${ref.jobId}:${ref.desiredTag}`;
}

/** Parses `app-id/job-id:tag` (tag defaults to `latest`); `null` when it is not of that shape. */
export function parseImageName(name: string): ProjectRef | null {
  const match = /^([a-z0-9][a-z0-9._-]*)\/([a-z0-9][a-z0-9._/-]*?)(?::([A-Za-z0-9_][A-Za-z0-9._-]{0,127}))?$/i.exec(name.trim());
  if (!match) return null;
  return { appId: match[1]!, jobId: match[2]!, desiredTag: match[3] ?? 'latest' };
}

/**
 * A problem in an index file. Unlike a plain {@link Issue} it always says where: the file
 * (relative to the folder or repository the index was loaded from), 1-based line and column,
 * and the field, e.g. `Projects[3].git-brach` (list positions count from 0).
 */
export interface IndexIssue extends Issue {
  file: string;
  line: number;
  column: number;
}

/** What loading an index yields: the entries that can be used, and what is wrong with the rest. */
export interface LoadedIndex {
  /** Every entry without entry-level errors, in file order (files sorted by name). */
  projects: ProjectEntry[];
  errors: IndexIssue[];
  warnings: IndexIssue[];
  /** The index files read, relative to the index location, sorted. */
  files: string[];
  /** Images declared external (`External-Images:`), normalised to `ns/name:tag` or a full reference. */
  externalImages: string[];
  /** The commit loaded, when the index came from git. */
  commit?: string;
}

/**
 * Where the pipeline finds a project's files, relative to the repository root, POSIX and
 * normalised (`.` is the root itself).
 */
export interface ProjectPaths {
  /** The folder of the Dockerfile (`git-path`), where `.hadolint.yaml` is looked for too. */
  gitPath: string;
  /** The Dockerfile: `git-path/target-file`. */
  dockerfile: string;
  /** The build context: `git-path/build-context`. */
  contextDir: string;
  /** Where the prebuild script runs (`prebuild-context`); absent without a prebuild script. */
  prebuildDir?: string;
  /** The prebuild script: `prebuild-context/prebuild-script`. */
  prebuildScript?: string;
}
