import { InvalidKeyError } from './errors';

/** Longest key S3 accepts, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** Longest file name on common filesystems; the fs store keeps each segment as one name. */
const MAX_SEGMENT_BYTES = 255;
/** Top-level folder of the filesystem store's own files (metadata, locks, temp files). */
export const RESERVED_SEGMENT = '.ccp-store';

/**
 * Checks a key against the rules both stores share, so that a key works in S3 and on a
 * filesystem alike: 1 to 1024 UTF-8 bytes, `/`-separated segments, no leading or trailing `/`,
 * no empty, `.` or `..` segment, no control characters (NUL included), no backslash (a folder
 * separator to some tools), no segment over 255 bytes, and not under the fs store's reserved
 * `.ccp-store/`. Throws an {@link InvalidKeyError} naming the key.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 */
export function validateKey(key: string): void {
  const reason = keyProblem(key);
  if (reason) throw new InvalidKeyError(key, reason);
}

function keyProblem(key: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `is longer than ${MAX_KEY_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'contains a control character';
  if (key.includes('\\')) return 'contains a backslash';
  if (key.startsWith('/')) return 'starts with "/"';
  if (key.endsWith('/')) return 'ends with "/"';
  const segments = key.split('/');
  if (segments.some((segment) => segment === '')) return 'has an empty segment ("//")';
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'has a "." or ".." segment';
  if (segments.some((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)) return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  if (segments[0] === RESERVED_SEGMENT) return `is under the reserved folder "${RESERVED_SEGMENT}/"`;
  return null;
}

/**
 * Checks a listing prefix: `''`, or the start of a key (see {@link validateKey}): no control
 * character or backslash, no leading `/`, and no empty, `.` or `..` complete segment (all but
 * the last), so a prefix never names a folder outside the store (`../`, `/etc/`). Throws an {@link InvalidKeyError} with field `prefix`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export function validatePrefix(prefix: string): void {
  if (prefix === '') return;
  const reason = prefixProblem(prefix);
  if (reason) throw new InvalidKeyError(prefix, reason, 'prefix');
}

function prefixProblem(prefix: unknown): string | null {
  if (typeof prefix !== 'string') return 'is not a string';
  if (Buffer.byteLength(prefix) > MAX_KEY_BYTES) return `is longer than ${MAX_KEY_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(prefix)) return 'contains a control character';
  if (prefix.includes('\\')) return 'contains a backslash';
  if (prefix.startsWith('/')) return 'starts with "/"';
  const complete = prefix.split('/').slice(0, -1);
  if (complete.some((segment) => segment === '')) return 'has an empty segment ("//")';
  if (complete.some((segment) => segment === '.' || segment === '..')) return 'has a "." or ".." segment';
  return null;
}

/**
 * Orders keys as S3 lists them: by their UTF-8 bytes (JavaScript's default sort compares UTF-16
 * code units, which differs for characters beyond U+FFFF).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
