import path from 'node:path';
import type { Config } from '../config/config';
import { FsObjectStore } from './fs-store';
import { S3ObjectStore } from './s3-store';
import type { ObjectStore } from './types';

export { FsObjectStore, type FsStoreOptions } from './fs-store';
export { S3ObjectStore, type S3StoreOptions } from './s3-store';
export { StoreError, PreconditionFailedError, InvalidKeyError, type StoreOperation } from './errors';
export { validateKey, compareKeys } from './key-rules';
export { etagOf, normalizeEtag } from './etag';
export * from './keys';
export type * from './types';

/**
 * The store the configuration names: the filesystem under `<dataDir>/store` (the embedded
 * default), or S3 with its bucket created when missing.
 * @see ./readme.md
 */
export async function createStore(config: Config): Promise<ObjectStore> {
  if (config.store.kind === 'fs') return new FsObjectStore(path.join(config.dataDir, 'store'));
  const store = new S3ObjectStore(config.store.s3);
  await store.ensureBucket();
  return store;
}
