import path from 'node:path';
import type { Config } from '../config/config';
import { FsObjectStore } from './fs-store';
import type { ObjectStore } from './types';

/**
 * The store the configuration names: the filesystem under `<dataDir>/store` (the embedded
 * default), or S3 with its bucket created when missing. The S3 store's module (and with it the
 * AWS SDK, ~0.15 s to load) is required only here, so a process on the filesystem store never
 * loads it; `S3ObjectStore` is exported as a type only, import it from `./s3-store`.
 * @see ./readme.md
 */
export async function createStore(config: Config): Promise<ObjectStore> {
  if (config.store.kind === 'fs') return new FsObjectStore(path.join(config.dataDir, 'store'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  const { S3ObjectStore } = require('./s3-store') as typeof import('./s3-store');
  const store = new S3ObjectStore(config.store.s3);
  await store.ensureBucket();
  return store;
}
