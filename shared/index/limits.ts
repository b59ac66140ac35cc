import type { Issue } from '../errors/validation-error';
import { INDEX_LIMITS, read } from '../config/settings';

/**
 * How much of an index the loaders read. An index is written by an attacker: a 72 MB file
 * used to be read whole (2.4 GB of memory, 17 s). The real 2023 CentOS index is 34 files,
 * 91 KB, 586 entries (its largest file 23 KB); the generated 10,000-project benchmark index
 * is 100 files, 3.1 MB.
 */
export interface IndexLimits {
  /** Largest index file read; a larger one is an error of that file, and the others load. */
  maxFileBytes: number;
  /** Bytes of all index files together; past it the index is refused (`IndexSourceError`). */
  maxTotalBytes: number;
  /** Index files in the folder; more and the index is refused before any is read. */
  maxFiles: number;
  /** Projects loaded; more and the index is refused. */
  maxProjects: number;
}

/** The file's `index:` mapping, besides `location` and `branch`. */
export interface IndexLimitFileSettings {
  maxBytes?: number | string;
  maxFileBytes?: number | string;
  maxFiles?: number | string;
  maxProjects?: number | string;
}

export const INDEX_LIMIT_ENV = {
  maxTotalBytes: INDEX_LIMITS.maxTotalBytes.env!,
  maxFileBytes: INDEX_LIMITS.maxFileBytes.env!,
  maxFiles: INDEX_LIMITS.maxFiles.env!,
  maxProjects: INDEX_LIMITS.maxProjects.env!,
};

/** The declared defaults (shared/config/settings/store.ts). */
export const INDEX_LIMIT_DEFAULTS: IndexLimits = {
  maxFileBytes: INDEX_LIMITS.maxFileBytes.default,
  maxTotalBytes: INDEX_LIMITS.maxTotalBytes.default,
  maxFiles: INDEX_LIMITS.maxFiles.default,
  maxProjects: INDEX_LIMITS.maxProjects.default,
};

/**
 * The index limits from `CCP_INDEX_MAX_*` variables, then the file's `index:` mapping
 * (`maxBytes`, `maxFileBytes`, `maxFiles`, `maxProjects`), then {@link INDEX_LIMIT_DEFAULTS}.
 * A bad value is added to `issues` with its field; the default stands in for it.
 * @see ../../README.md (Configuration)
 */
export function loadIndexLimits(file: IndexLimitFileSettings | undefined, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): IndexLimits {
  const source = { env, file: { index: file }, where, issues };
  return {
    maxFileBytes: read(INDEX_LIMITS.maxFileBytes, source),
    maxTotalBytes: read(INDEX_LIMITS.maxTotalBytes, source),
    maxFiles: read(INDEX_LIMITS.maxFiles, source),
    maxProjects: read(INDEX_LIMITS.maxProjects, source),
  };
}

/**
 * The limits a loader uses when its caller gives none: the `CCP_INDEX_MAX_*` variables of this
 * process (so that every function honours them), else the defaults; a bad variable counts as unset
 * here (`loadConfig` reports it).
 */
export function indexLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): IndexLimits {
  return loadIndexLimits(undefined, env, {}, []);
}
