import type { Config } from '../config/config';

/**
 * The one list of every secret value the service holds, for redaction from logs and mails:
 * the SMTP password and every `CCP_*` variable named like a secret (`PASSWORD`, `SECRET`,
 * `TOKEN`, `PRIVATE_KEY`; the mail settings collect those), the registry password, the webhook
 * secrets, the S3 secret key, each login as `user:password` (whose base64 is the Basic auth header)
 * and any value passed in `extra`. Values shorter than 4 characters are left out: redacting
 * them would blank ordinary words of the log.
 * @see ../../README.md#configuration
 */
export function configuredSecrets(config: Config, extra: ReadonlyArray<string | undefined> = []): string[] {
  const values: Array<string | undefined> = [
    ...(config.mail?.secrets ?? []),
    config.registryNotifyToken,
    config.ingressToken,
    config.dashboardAdminToken,
    ...extra,
  ];
  if (config.registryAuth) values.push(...loginSecrets(config.registryAuth.username, config.registryAuth.password));
  const smtp = config.mail?.smtp;
  if (smtp?.user) values.push(...loginSecrets(smtp.user, smtp.password));
  if (config.webhooks) values.push(config.webhooks.secret, ...config.webhooks.secrets.values());
  // Not the access key id: it is no secret (AWS), and every presigned report link carries it.
  if (config.store.kind === 's3') values.push(config.store.s3.secretAccessKey);
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value.length >= 4))];
}

/**
 * The secrets of one login: the password, and `user:password`, whose base64 is the Basic auth
 * header a tool may print. None without a password.
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
export function loginSecrets(username: string | undefined, password: string | undefined): string[] {
  return password ? [password, `${username ?? ''}:${password}`] : [];
}
