import { randomBytes } from 'node:crypto';
import type { S3Settings } from '../../shared/config/config';

/** The variables global-setup sets for test workers when it started the S3 test server. */
export const S3_TEST_ENV = {
  endpoint: 'CCP_TEST_S3_ENDPOINT',
  accessKeyId: 'CCP_TEST_S3_ACCESS_KEY_ID',
  secretAccessKey: 'CCP_TEST_S3_SECRET_ACCESS_KEY',
  /** Why the server could not be started (what to install, the tail of its logs). */
  error: 'CCP_TEST_S3_ERROR',
} as const;

/** A bucket name no other spec or worker uses: `ccp-test-<label>-<random>`. */
export function uniqueBucketName(label = 'spec'): string {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 30);
  return `ccp-test-${safe}-${randomBytes(5).toString('hex')}`;
}

/**
 * S3 settings for the real Ceph radosgw that test/setup/global-setup.ts started for this jest
 * run. Throws (so the S3 specs fail, never skip) with the setup's own error when Ceph could not
 * be started, or with how to get one when global setup did not run it.
 */
export function testS3Settings(bucket: string = uniqueBucketName()): S3Settings {
  const error = process.env[S3_TEST_ENV.error];
  if (error) throw new Error(`the S3 test server (Ceph radosgw) did not start: ${error}`);
  const endpoint = process.env[S3_TEST_ENV.endpoint];
  const accessKeyId = process.env[S3_TEST_ENV.accessKeyId];
  const secretAccessKey = process.env[S3_TEST_ENV.secretAccessKey];
  if (!endpoint || !accessKeyId || !secretAccessKey) {
    throw new Error(
      `${S3_TEST_ENV.endpoint} is not set: test/setup/global-setup.ts starts Ceph radosgw only for runs that include a spec calling testS3Settings(); run the spec through jest (npx jest <path>)`,
    );
  }
  return { endpoint, bucket, region: 'us-east-1', accessKeyId, secretAccessKey, forcePathStyle: true };
}
