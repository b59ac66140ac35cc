import { limitText } from '../redact/limit';
import { redact } from '../redact/redact';
import { StoreError, type StoreOperation } from './errors';

/** The parts of an AWS SDK v3 service error this store reads. */
interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** HTTP status of an SDK error, if it came from the server. */
export function statusOf(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/** S3 error code (`NoSuchKey`, `PreconditionFailed`…) or the network error code. */
export function codeOf(error: unknown): string | undefined {
  const sdk = error as SdkError | undefined;
  return sdk?.Code ?? sdk?.code ?? sdk?.name;
}

/** A missing object: `NoSuchKey` on GET, a bare 404 on HEAD (which has no body to say more). */
export function isMissingObject(error: unknown, operation: 'get' | 'head'): boolean {
  const code = codeOf(error);
  if (code === 'NoSuchKey') return true;
  return operation === 'head' && statusOf(error) === 404 && code !== 'NoSuchBucket';
}

/**
 * A failed condition: 412, or 409 `ConditionalRequestConflict` (AWS: another conditional write
 * to the key was in flight; the caller re-reads and decides again, as for 412).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export function isPreconditionFailed(error: unknown): boolean {
  return statusOf(error) === 412 || codeOf(error) === 'PreconditionFailed' || codeOf(error) === 'ConditionalRequestConflict';
}

/**
 * Turns an SDK error into a {@link StoreError} naming operation and key. The SDK error itself is
 * not kept as `cause` (it holds the raw response); `secrets` (access key id, secret key) are
 * masked out of the message in every form (`shared/redact`) in case a server echoes them.
 */
export function wrapS3Error(operation: StoreOperation, key: string, error: unknown, secrets: readonly (string | undefined)[]): StoreError {
  const status = statusOf(error);
  const code = codeOf(error);
  const message = (error as SdkError | undefined)?.message;
  // The SDK says "UnknownError" when an error response has no body (HEAD, some 403s).
  const said = message && message !== 'UnknownError' && message !== code ? `: ${message}` : '';
  const detail = `${code ?? 'error'}${status ? ` (HTTP ${status})` : ''}${said}`;
  return new StoreError(operation, key, limitText(redact(detail, secrets)), code, status);
}
