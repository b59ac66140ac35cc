import { ValidationError } from '../errors/validation-error';

/** The store operation that failed, named in every {@link StoreError}. */
export type StoreOperation = 'put' | 'get' | 'head' | 'delete' | 'list' | 'ensureBucket';

/**
 * A store operation failed (I/O error, S3 error, lock timeout). The message names the operation
 * and the key (or prefix); it never carries credentials. `status` is the HTTP status of an S3
 * error, `code` its S3 error code or the errno code of a filesystem error.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';

  constructor(
    readonly operation: StoreOperation,
    readonly key: string,
    detail: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(`${operation} ${JSON.stringify(key)}: ${detail}`);
  }
}

/**
 * A conditional put did not hold: `ifNoneMatch: '*'` on a key that exists, or `ifMatch` with an
 * ETag that is not (or no longer) the stored one, or on a key that does not exist. Callers read
 * the current object and decide again.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export class PreconditionFailedError extends StoreError {
  override readonly name: string = 'PreconditionFailedError';

  constructor(key: string, detail: string) {
    super('put', key, detail, 'PreconditionFailed', 412);
  }
}

/**
 * A key that the store refuses (see `validateKey`): bad input, so a {@link ValidationError} with
 * one issue whose field is `key` and whose message quotes the key.
 */
export class InvalidKeyError extends ValidationError {
  constructor(
    readonly key: string,
    reason: string,
    field = 'key',
  ) {
    super('invalid object key', [{ field, message: `${JSON.stringify(key)} ${reason}` }]);
    // ValidationError types its name as the literal 'ValidationError'; keep the subclass's own.
    Object.defineProperty(this, 'name', { value: 'InvalidKeyError', enumerable: false });
  }
}

/**
 * The filesystem store met a symbolic link (or a hard link, or a path that leads out of its root)
 * where a key's file or folder should be, and refused to go through it. The message names the
 * operation and key, never where the link points. The HTTP door answers it as a 404.
 * @see ./readme.md (Symbolic links)
 */
export class UnsafePathError extends StoreError {
  override readonly name: string = 'UnsafePathError';

  constructor(operation: StoreOperation, key: string) {
    super(operation, key, 'the path meets a symbolic or hard link or leaves the store root; refused', 'EUNSAFEPATH');
  }
}
