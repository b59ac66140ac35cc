import type { Issue } from '../errors/validation-error';

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
  maxTotalBytes: 'CCP_INDEX_MAX_BYTES',
  maxFileBytes: 'CCP_INDEX_MAX_FILE_BYTES',
  maxFiles: 'CCP_INDEX_MAX_FILES',
  maxProjects: 'CCP_INDEX_MAX_PROJECTS',
} as const;

/** The config file keys under `index:` of each limit. */
const FILE_KEYS = { maxTotalBytes: 'maxBytes', maxFileBytes: 'maxFileBytes', maxFiles: 'maxFiles', maxProjects: 'maxProjects' } as const;

export const INDEX_LIMIT_DEFAULTS: IndexLimits = {
  maxFileBytes: 2 * 1024 ** 2,
  maxTotalBytes: 8 * 1024 ** 2,
  maxFiles: 10_000,
  maxProjects: 25_000,
};

/**
 * The index limits from `CCP_INDEX_MAX_*` variables, then the file's `index:` mapping
 * (`maxBytes`, `maxFileBytes`, `maxFiles`, `maxProjects`), then {@link INDEX_LIMIT_DEFAULTS}.
 * A bad value is added to `issues` with its field; the default stands in for it.
 * @see ../../README.md (Configuration)
 */
export function loadIndexLimits(file: IndexLimitFileSettings | undefined, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): IndexLimits {
  const limits = { ...INDEX_LIMIT_DEFAULTS };
  for (const name of Object.keys(INDEX_LIMIT_ENV) as (keyof IndexLimits)[]) {
    const value = env[INDEX_LIMIT_ENV[name]] || file?.[FILE_KEYS[name]];
    if (value === undefined || value === '') continue;
    const number = Number(value);
    if (Number.isSafeInteger(number) && number > 0) limits[name] = number;
    else issues.push({ ...where, field: `index.${FILE_KEYS[name]}`, message: `must be a whole number above 0, not "${String(value)}" (${INDEX_LIMIT_ENV[name]})` });
  }
  return limits;
}

/**
 * The limits a loader uses when its caller gives none: the `CCP_INDEX_MAX_*` variables of this
 * process (so that every function honours them), else the defaults; a bad variable counts as unset
 * here (`loadConfig` reports it).
 */
export function indexLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): IndexLimits {
  return loadIndexLimits(undefined, env, {}, []);
}
