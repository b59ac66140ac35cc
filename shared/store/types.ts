import type { Readable } from 'node:stream';

/** What a stored object looks like without its body. */
export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  contentType?: string;
}

/** A stored object with its body read into memory. */
export interface StoredObject extends ObjectInfo {
  body: Buffer;
}

export interface PutOptions {
  contentType?: string;
  /** `'*'`: write only if no object has this key yet (create-only). */
  ifNoneMatch?: '*';
  /** Write only if the stored object still has this ETag (compare-and-swap). */
  ifMatch?: string;
}

export interface ListOptions {
  /** Groups keys that share the part up to the next delimiter into `prefixes`, as S3 does. */
  delimiter?: string;
}

export interface ListResult {
  objects: ObjectInfo[];
  /** Common prefixes, each ending with the delimiter; empty without one. */
  prefixes: string[];
}

/**
 * The only state of the service: reports, build records, image and repo snapshots.
 * Keys are `/`-separated paths without a leading slash (see the layout in the README).
 * Implementations: the filesystem (embedded default) and S3.
 */
export interface ObjectStore {
  readonly kind: 'fs' | 's3';
  /** Stores `body` under `key`; throws PreconditionFailedError when a condition does not hold. */
  put(key: string, body: Buffer | string | Readable, options?: PutOptions): Promise<{ etag: string }>;
  /** The object, or `null` when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** The object's metadata, or `null` when there is none. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Every object under `prefix` (all pages), sorted by key. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Where a person finds the object: a file path or an `s3://bucket/key` URL. */
  locationOf(key: string): string;
}
