import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { S3Settings } from '../config/config';
import { DEFAULT_CONTENT_TYPE, readBody } from './body';
import { normalizeEtag } from './etag';
import { PreconditionFailedError, StoreError, type StoreOperation } from './errors';
import { compareKeys, validateKey } from './key-rules';
import { isMissingObject, isPreconditionFailed, statusOf, wrapS3Error } from './s3-errors';
import type { ListOptions, ListResult, ObjectInfo, ObjectStore, PutOptions, StoredObject } from './types';

export interface S3StoreOptions {
  /** Keys per ListObjectsV2 page (S3's maximum and default: 1000); tests set it low to cross pages. */
  pageSize?: number;
}

/**
 * The object store on S3 or an S3-compatible server (Ceph radosgw, MinIO), through
 * `@aws-sdk/client-s3`. Path-style addressing unless `forcePathStyle` is false; checksums only
 * where the API requires them (radosgw rejects the SDK's default streaming checksums with 411).
 * Bodies are buffered before upload: S3 needs the length and this project's objects are small.
 * @see https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/client/s3/
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly secrets: readonly (string | undefined)[];
  private readonly pageSize?: number;

  constructor(settings: S3Settings, options: S3StoreOptions = {}) {
    this.bucket = settings.bucket;
    this.pageSize = options.pageSize;
    this.secrets = [settings.accessKeyId, settings.secretAccessKey];
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.forcePathStyle ?? true,
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    });
  }

  /**
   * Creates the bucket unless it exists (and is ours).
   * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
   */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (statusOf(error) !== 404) throw wrapS3Error('ensureBucket', this.bucket, error, this.secrets);
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // Someone (another function instance) created it meanwhile.
      if ((error as { name?: string }).name === 'BucketAlreadyOwnedByYou') return;
      throw wrapS3Error('ensureBucket', this.bucket, error, this.secrets);
    }
  }

  /**
   * Uploads the object with `If-None-Match` / `If-Match` when asked.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
   */
  async put(key: string, body: Buffer | string | Readable, options: PutOptions = {}): Promise<{ etag: string }> {
    validateKey(key);
    const content = await readBody(body);
    const send = (ifMatch?: string): Promise<{ etag: string }> =>
      this.call('put', key, async () => {
        const output = await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: content,
            ContentLength: content.length,
            ContentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
            ...(options.ifNoneMatch ? { IfNoneMatch: options.ifNoneMatch } : {}),
            ...(ifMatch ? { IfMatch: ifMatch } : {}),
          }),
        );
        return { etag: normalizeEtag(output.ETag ?? '') };
      });
    if (options.ifMatch === undefined || options.ifMatch === '*') return send(options.ifMatch);

    // radosgw 16 compares If-Match with its stored ETag, which has no quotes; AWS documents the
    // quoted form. Send it bare; if that fails while the object does carry this ETag, the server
    // wants quotes: send again, still conditional, so a concurrent writer still makes it fail.
    const wanted = normalizeEtag(options.ifMatch);
    try {
      return await send(wanted);
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      const current = await this.head(key);
      if (current?.etag !== wanted) throw error;
      return send(`"${wanted}"`);
    }
  }

  /** The object, or `null` on `NoSuchKey`. */
  async get(key: string): Promise<StoredObject | null> {
    validateKey(key);
    return this.read('get', key, async () => {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = Buffer.from(await output.Body!.transformToByteArray());
      return {
        key,
        body,
        size: body.length,
        etag: normalizeEtag(output.ETag ?? ''),
        lastModified: output.LastModified ?? new Date(0),
        ...(output.ContentType ? { contentType: output.ContentType } : {}),
      };
    });
  }

  /** The object's metadata, or `null` on 404. */
  async head(key: string): Promise<ObjectInfo | null> {
    validateKey(key);
    return this.read('head', key, async () => {
      const output = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: output.ContentLength ?? 0,
        etag: normalizeEtag(output.ETag ?? ''),
        lastModified: output.LastModified ?? new Date(0),
        ...(output.ContentType ? { contentType: output.ContentType } : {}),
      };
    });
  }

  /** Deletes the object (S3 answers 204 for an absent key too). */
  async delete(key: string): Promise<void> {
    validateKey(key);
    await this.call('delete', key, async () => {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    });
  }

  /**
   * Every page of ListObjectsV2, following continuation tokens to the end.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
   */
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const objects: ObjectInfo[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.call('list', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
            ...(this.pageSize ? { MaxKeys: this.pageSize } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        objects.push({ key: item.Key, size: item.Size ?? 0, etag: normalizeEtag(item.ETag ?? ''), lastModified: item.LastModified ?? new Date(0) });
      }
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) prefixes.push(common.Prefix);
      if (page.IsTruncated && !page.NextContinuationToken) {
        throw new StoreError('list', prefix, 'the server said the listing is truncated but gave no continuation token');
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { objects: objects.sort((a, b) => compareKeys(a.key, b.key)), prefixes: [...new Set(prefixes)].sort(compareKeys) };
  }

  /** `s3://<bucket>/<key>`. */
  locationOf(key: string): string {
    validateKey(key);
    return `s3://${this.bucket}/${key}`;
  }

  /** Runs one SDK call; failed conditions and other errors become typed errors. */
  private async call<T>(operation: StoreOperation, key: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (operation === 'put' && isPreconditionFailed(error))
        throw new PreconditionFailedError(key, `the condition did not hold (HTTP ${statusOf(error) ?? '?'})`);
      throw wrapS3Error(operation, key, error, this.secrets);
    }
  }

  /** Runs a read; a missing object becomes `null`. */
  private async read<T>(operation: 'get' | 'head', key: string, work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (error) {
      if (isMissingObject(error, operation)) return null;
      throw wrapS3Error(operation, key, error, this.secrets);
    }
  }
}
