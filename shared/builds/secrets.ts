import type { Config } from '../config/config';

/**
 * Every secret value the configuration holds, for redaction: the SMTP password and every
 * `CCP_*` variable named like a secret (the mail settings collect those), webhook secrets, the
 * S3 keys, the registry password (`CCP_REGISTRY_PASSWORD` / `registryAuth.password`) and any
 * value passed in `extra`. Values shorter than 4 characters are
 * left out: redacting them would blank ordinary words of the log.
 * @see ../../README.md#configuration
 */
export function configuredSecrets(config: Config, extra: ReadonlyArray<string | undefined> = []): string[] {
  const values: Array<string | undefined> = [...(config.mail?.secrets ?? []), config.registryAuth?.password, ...extra];
  if (config.webhooks) values.push(config.webhooks.secret, ...config.webhooks.secrets.values());
  if (config.store.kind === 's3') values.push(config.store.s3.secretAccessKey, config.store.s3.accessKeyId);
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value.length >= 4))];
}
