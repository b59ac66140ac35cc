import type { Issue } from '../errors/validation-error';
import { PIPELINE, read } from '../config/settings';
import { isPlainObject } from '../events/schema';
import { normalizeRepoUrl } from './normalize-repo-url';
import type { WebhookSettings } from './types';

/** The environment variables of the webhook gateway (declared in shared/config/settings/pipeline.ts). */
export const WEBHOOK_ENV = {
  secret: PIPELINE.webhookSecret.env!,
  bodyLimit: PIPELINE.webhookBodyLimit.env!,
  timestampTolerance: PIPELINE.webhookTimestampTolerance.env!,
};

/** `webhooks:` of the config file, as written. */
export interface WebhookFileSettings {
  secret?: unknown;
  secrets?: unknown;
  bodyLimit?: unknown;
  timestampTolerance?: unknown;
}

/** The declared defaults: five minutes of clock skew (as Stripe and Slack), a 1 MiB body. */
export const DEFAULT_TIMESTAMP_TOLERANCE = PIPELINE.webhookTimestampTolerance.default;
export const DEFAULT_WEBHOOK_BODY_LIMIT = PIPELINE.webhookBodyLimit.default;

/** A host-less key: `owner/repo`, `group/sub/repo`, or `host/owner/repo` written without a scheme. */
const PATH_KEY = /^[\w.-]+(\/[\w.-]+)+$/;

/**
 * Reads the webhook settings: the global secret (`CCP_WEBHOOK_SECRET` beats `webhooks.secret`),
 * per-repository secrets (`webhooks.secrets`, keyed by repository URL in any form or by
 * `owner/repo`) and the body limit (`CCP_WEBHOOK_BODY_LIMIT` beats `webhooks.bodyLimit`; bytes,
 * or `512kb`, `2mb`) and the tolerance of signed timestamps (`CCP_WEBHOOK_TIMESTAMP_TOLERANCE`
 * beats `webhooks.timestampTolerance`, seconds, default 300). Pushes each bad field onto `issues` with `where` (the config file).
 * @see https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks
 */
export function loadWebhookSettings(file: unknown, env: NodeJS.ProcessEnv, where: { file?: string }, issues: Issue[]): WebhookSettings {
  const section: WebhookFileSettings = isPlainObject(file) ? file : {};
  if (file !== undefined && file !== null && !isPlainObject(file)) issues.push({ ...where, field: 'webhooks', message: 'must be a mapping' });

  // An empty value counts as unset elsewhere; an empty secret in the file is a mistake worth naming.
  if (section.secret === '') issues.push({ ...where, field: PIPELINE.webhookSecret.key!, message: 'must be a non-empty string' });
  const source = { env, file: { webhooks: section }, where, issues };
  const secret = read(PIPELINE.webhookSecret, source);
  const bodyLimit = read(PIPELINE.webhookBodyLimit, source);
  const timestampTolerance = read(PIPELINE.webhookTimestampTolerance, source);
  return { ...(secret ? { secret } : {}), secrets: readSecrets(read(PIPELINE.webhookSecrets, source), where, issues), bodyLimit, timestampTolerance };
}

/**
 * The key a per-repository setting is stored under: the {@link normalizeRepoUrl} key of a
 * URL, else a host-less path key (`owner/repo`) in lower case without `.git`; `null` when `key`
 * is neither.
 */
export function settingKey(key: string): string | null {
  const normalized = normalizeRepoUrl(key);
  if (normalized) return normalized;
  const trimmed = key
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '');
  return PATH_KEY.test(trimmed) ? trimmed.toLowerCase() : null;
}

function readSecrets(value: unknown, where: { file?: string }, issues: Issue[]): Map<string, string> {
  const secrets = new Map<string, string>();
  if (value === undefined || value === null) return secrets;
  if (!isPlainObject(value)) {
    issues.push({ ...where, field: 'webhooks.secrets', message: 'must be a mapping of repository URL or owner/repo to secret' });
    return secrets;
  }
  for (const [name, secret] of Object.entries(value)) {
    const field = `webhooks.secrets.${name}`;
    const key = settingKey(name);
    if (!key) issues.push({ ...where, field, message: 'is neither a repository URL nor owner/repo' });
    else if (typeof secret !== 'string' || secret === '') issues.push({ ...where, field, message: 'must be a non-empty string' });
    else if (secrets.has(key)) issues.push({ ...where, field, message: `names the same repository as another key (${key})` });
    else secrets.set(key, secret);
  }
  return secrets;
}
