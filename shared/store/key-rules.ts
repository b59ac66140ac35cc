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
 * no empty, `.` or `..` segment, no control characters, no segment over 255 bytes, and not under
 * the fs store's reserved `.ccp-store/`. Throws an {@link InvalidKeyError} naming the key.
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
 * Orders keys as S3 lists them: by their UTF-8 bytes (JavaScript's default sort compares UTF-16
 * code units, which differs for characters beyond U+FFFF).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
