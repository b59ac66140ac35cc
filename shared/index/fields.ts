/**
 * The keys of an index entry, as the CentOS container-index documents them.
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export const ENTRY_KEYS = [
  'id',
  'app-id',
  'job-id',
  'git-url',
  'git-branch',
  'git-path',
  'target-file',
  'desired-tag',
  'notify-email',
  'build-context',
  'prebuild-script',
  'prebuild-context',
  'depends-on',
] as const;

export type EntryKey = (typeof ENTRY_KEYS)[number];

/**
 * Keys every entry must have. The seed's reader failed on a missing `depends-on` too, so it
 * stays required (`null` says "no parent"). `git-path` and `build-context` default to the
 * repository root and `./` as the seed did.
 */
export const REQUIRED_KEYS: readonly EntryKey[] = [
  'id',
  'app-id',
  'job-id',
  'git-url',
  'git-branch',
  'target-file',
  'desired-tag',
  'notify-email',
  'depends-on',
];

/** Top-level keys of an index file. `External-Images` is this service's addition (see readme.md). */
export const FILE_KEYS = ['Projects', 'External-Images'] as const;

/** The file name the seed skipped: a commented example, not an index file. */
export const TEMPLATE_FILE = /^index_template\.ya?ml$/i;

/** Index files: YAML by either extension. */
export const INDEX_FILE = /\.ya?ml$/i;
