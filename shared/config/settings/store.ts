import { declare, type SettingGroup } from './api';
import { lenientBoolean, oneOf, text, wholeNumber } from './parsers';

/** The object store and the index the functions read. */
export const STORE = {
  kind: declare<'fs' | 's3'>({
    env: 'CCP_STORE',
    key: 'store.kind',
    description: '`fs` (default, under the data dir) or `s3`',
    default: 'fs',
    parse: oneOf(['fs', 's3'] as const, (raw) => `must be "fs" or "s3", not "${String(raw)}"`),
  }),
  s3Endpoint: declare({ env: 'CCP_S3_ENDPOINT', key: 'store.s3.endpoint', description: 'URL of the S3-compatible endpoint; unset: AWS', parse: text }),
  s3Bucket: declare({ env: 'CCP_S3_BUCKET', key: 'store.s3.bucket', description: 'the bucket (required with `s3`)', parse: text }),
  s3Region: declare({ env: 'CCP_S3_REGION', key: 'store.s3.region', description: 'the region', default: 'us-east-1', parse: text }),
  s3AccessKeyId: declare({ env: 'CCP_S3_ACCESS_KEY_ID', key: 'store.s3.accessKeyId', description: 'the access key id', parse: text, secret: true }),
  s3SecretAccessKey: declare({
    env: 'CCP_S3_SECRET_ACCESS_KEY',
    key: 'store.s3.secretAccessKey',
    description: 'the secret access key',
    parse: text,
    secret: true,
  }),
  s3ForcePathStyle: declare({
    env: 'CCP_S3_FORCE_PATH_STYLE',
    key: 'store.s3.forcePathStyle',
    description: 'path-style bucket URLs',
    default: true,
    parse: lenientBoolean,
  }),
  index: declare({ env: 'CCP_INDEX', key: 'index.location', description: 'the container index (a folder or git URL)', parse: text }),
  indexBranch: declare({ env: 'CCP_INDEX_BRANCH', key: 'index.branch', description: "the index's branch", parse: text }),
};

const limit = (min: number) => wholeNumber(min, (raw, setting) => `must be a whole number above 0, not "${String(raw)}" (${setting.env})`);

/** How much of an index is read (shared/index/limits.ts). */
export const INDEX_LIMITS = {
  maxFileBytes: declare({
    env: 'CCP_INDEX_MAX_FILE_BYTES',
    key: 'index.maxFileBytes',
    description: 'largest index file read',
    default: 2 * 1024 ** 2,
    parse: limit(1),
  }),
  maxTotalBytes: declare({
    env: 'CCP_INDEX_MAX_BYTES',
    key: 'index.maxBytes',
    description: 'bytes of all index files together',
    default: 8 * 1024 ** 2,
    parse: limit(1),
  }),
  maxFiles: declare({ env: 'CCP_INDEX_MAX_FILES', key: 'index.maxFiles', description: 'index files in the folder', default: 10_000, parse: limit(1) }),
  maxProjects: declare({ env: 'CCP_INDEX_MAX_PROJECTS', key: 'index.maxProjects', description: 'projects loaded', default: 25_000, parse: limit(1) }),
};

export const STORE_ROWS: Record<'s3' | 'index' | 'indexLimits', SettingGroup> = {
  s3: {
    settings: [STORE.s3Endpoint, STORE.s3Bucket, STORE.s3Region, STORE.s3AccessKeyId, STORE.s3SecretAccessKey, STORE.s3ForcePathStyle],
    keys: '`store.s3.*`',
    description: 'the S3-compatible store (path-style by default)',
  },
  index: { settings: [STORE.index, STORE.indexBranch], description: 'where functions look up a project that an event names only by `app-id/job-id:tag`' },
  indexLimits: {
    settings: [INDEX_LIMITS.maxFileBytes, INDEX_LIMITS.maxTotalBytes, INDEX_LIMITS.maxFiles, INDEX_LIMITS.maxProjects],
    description:
      'how much of an index is read (folder or clone): a file over 2 MiB (or a link out of the index, or no regular file) is an error of that file, not read, and the others load; over 8 MiB in all, 10,000 files or 25,000 projects the index is refused, naming the file or count (the 2023 CentOS index: 91 KB, 34 files, 586 projects)',
  },
};
