import { inspect } from 'node:util';
import { testS3Settings, uniqueBucketName } from '../../test/setup/s3-env';
import { describeObjectStoreContract } from './contract';
import { InvalidKeyError, PreconditionFailedError, StoreError } from './errors';
import { S3ObjectStore } from './s3-store';

// The real Ceph radosgw that test/setup/global-setup.ts started for this run; one fresh bucket
// per test so workers and tests never see each other's keys.
describeObjectStoreContract('S3ObjectStore on Ceph radosgw', async (options) => {
  const store = new S3ObjectStore(testS3Settings(uniqueBucketName('contract')), options);
  await store.ensureBucket();
  return store;
});

describe('S3ObjectStore', () => {
  it('creates its bucket once and accepts it existing', async () => {
    const settings = testS3Settings(uniqueBucketName('ensure'));
    const store = new S3ObjectStore(settings);
    await expect(store.put('x', 'y')).rejects.toThrow(/NoSuchBucket/);
    await store.ensureBucket();
    await store.ensureBucket();
    await new S3ObjectStore(settings).ensureBucket();
    await store.put('x', 'y');
    expect((await store.get('x'))!.body.toString()).toEqual('y');
  });

  it('reports a missing bucket as a StoreError, not as a missing object', async () => {
    const store = new S3ObjectStore(testS3Settings(uniqueBucketName('missing')));
    const error = await store.get('some/key').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'get', key: 'some/key', code: 'NoSuchBucket', status: 404 });
    expect((error as Error).message).toContain('get "some/key"');
  });

  it('keeps credentials out of errors', async () => {
    const good = testS3Settings(uniqueBucketName('creds'));
    const store = new S3ObjectStore({ ...good, secretAccessKey: 'not-the-secret-zzz' });
    const error = await store.put('reports/a.json', '{}').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'put', key: 'reports/a.json', status: 403 });
    const everything = `${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)} ${inspect(error)}`;
    expect(everything).not.toContain('not-the-secret-zzz');
    expect(everything).not.toContain(good.accessKeyId);
    expect(everything).not.toContain(good.secretAccessKey);
  });

  it('names the operation and key when the server cannot be reached', async () => {
    const store = new S3ObjectStore({ ...testS3Settings(), endpoint: 'http://127.0.0.1:9' });
    await expect(store.head('state/x.json')).rejects.toThrow(/^head "state\/x\.json": /);
  });

  it('is a PreconditionFailedError with the key, for callers that check by name', async () => {
    const store = new S3ObjectStore(testS3Settings(uniqueBucketName('precondition')));
    await store.ensureBucket();
    await store.put('lock', 'a');
    const error = await store.put('lock', 'b', { ifNoneMatch: '*' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ name: 'PreconditionFailedError', key: 'lock', status: 412 });
  });

  it('names its objects s3://bucket/key', () => {
    const store = new S3ObjectStore({ ...testS3Settings('reports-bucket') });
    expect(store.locationOf('reports/a/b.json')).toEqual('s3://reports-bucket/reports/a/b.json');
    expect(() => store.locationOf('../x')).toThrow(InvalidKeyError);
  });
});
