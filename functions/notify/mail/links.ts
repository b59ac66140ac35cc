import { pathToFileURL } from 'node:url';
import type { Config, S3Settings } from '../../../shared/config/config';
import { reportUrl } from '../../../shared/host/report-routes';
import type { ObjectStore } from '../../../shared/store/types';

/** Turns a report's object-store key into a URL a person can open from a mail. */
export interface ReportLinker {
  /** How links are made, for logs: `base-url`, `presigned` or `file`. */
  readonly kind: 'base-url' | 'presigned' | 'file';
  link(key: string): Promise<string>;
}

/**
 * The linker the configuration asks for: a public base URL in front of `reports/` when one is
 * set (a Route, or the embedded runtime's own `/reports/` routes); else presigned GET URLs
 * valid for `linkLifetimeSeconds` when the store is S3; else the report's file on this machine.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html
 */
export function createReportLinker(config: Config, store: ObjectStore): ReportLinker {
  const baseUrl = config.mail.reportsBaseUrl;
  if (baseUrl) {
    return {
      kind: 'base-url',
      link: async (key) => reportUrl(baseUrl, key) ?? `${baseUrl.replace(/\/$/, '')}/${key}`,
    };
  }
  if (config.store.kind === 's3') return presignedLinker(config.store.s3, config.mail.linkLifetimeSeconds);
  return { kind: 'file', link: async (key) => pathToFileURL(store.locationOf(key)).href };
}

function presignedLinker(settings: S3Settings, expiresIn: number): ReportLinker {
  // The AWS SDK (~0.1 s to load) only with the S3 store: a notify on the filesystem store or with
  // a base URL never loads it (with the S3 store, the store has loaded it already).
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see above */
  const { GetObjectCommand, S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { getSignedUrl } = require('@aws-sdk/s3-request-presigner') as typeof import('@aws-sdk/s3-request-presigner');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
  });
  return {
    kind: 'presigned',
    link: (key) => getSignedUrl(client, new GetObjectCommand({ Bucket: settings.bucket, Key: key }), { expiresIn }),
  };
}
