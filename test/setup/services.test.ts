import { S3_TEST_ENV, testS3Settings } from './s3-env';

// Global setup runs in jest's main process; this checks that what it started reaches the
// workers and answers there.
describe('shared test services', () => {
  it('hands the Ceph radosgw endpoint and credentials to test workers', async () => {
    const settings = testS3Settings();
    expect(settings.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env[S3_TEST_ENV.accessKeyId]).toMatch(/^CCP[0-9A-F]{16}$/);
    const response = await fetch(settings.endpoint!);
    expect(response.status).toEqual(200);
    // An anonymous ListBuckets answer from radosgw.
    expect(await response.text()).toContain('ListAllMyBucketsResult');
  });
});
