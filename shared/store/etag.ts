import { createHash } from 'node:crypto';

/**
 * The ETag both stores report: the MD5 of the content as lowercase hex, without the quotes that
 * S3 puts around it, so an ETag from one store compares equal to one from the other.
 * (S3 computes ETags differently for multipart uploads; this project never makes those.)
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html
 */
export function etagOf(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

/**
 * An ETag as given by a caller or a server, made comparable: quotes and the weak `W/` prefix
 * removed. `'"abc"'`, `'W/"abc"'` and `'abc'` are the same ETag.
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-etag
 */
export function normalizeEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}
