import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testS3Settings, uniqueBucketName } from '../../test/setup/s3-env';
import { loadConfig, type Config } from '../config/config';
import { FsObjectStore } from './fs-store';
import { createStore } from './create-store';
import { S3ObjectStore } from './s3-store';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ccp-create-store-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function config(store: Config['store']): Config {
  return { ...loadConfig({ dataDir }, {}), store };
}

describe('createStore', () => {
  it('makes the filesystem store under <dataDir>/store by default', async () => {
    const store = await createStore(config({ kind: 'fs' }));
    expect(store).toBeInstanceOf(FsObjectStore);
    await store.put('state/x.json', '{}');
    expect(store.locationOf('state/x.json')).toEqual(path.join(dataDir, 'store', 'state', 'x.json'));
  });

  it('makes the S3 store and creates its bucket', async () => {
    const s3 = testS3Settings(uniqueBucketName('create-store'));
    const store = await createStore(config({ kind: 's3', s3 }));
    expect(store).toBeInstanceOf(S3ObjectStore);
    await store.put('state/x.json', '{}');
    expect(store.locationOf('state/x.json')).toEqual(`s3://${s3.bucket}/state/x.json`);
    expect((await store.list('state/')).objects.map((object) => object.key)).toEqual(['state/x.json']);
  });
});
