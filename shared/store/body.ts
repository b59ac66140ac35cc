import type { Readable } from 'node:stream';

/**
 * Reads a put body into one Buffer. Streams are read to their end: S3 needs the length up front
 * (radosgw answers 411 to a stream of unknown length) and both stores need the MD5 for the ETag.
 * Reports and state records are small (a few MB at most), so buffering costs little.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export async function readBody(body: Buffer | string | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** What both stores record when a put names no content type (S3's own default differs by server). */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
