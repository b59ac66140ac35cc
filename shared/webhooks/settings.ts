import type { Issue } from '../errors/validation-error';
import { isPlainObject } from '../events/schema';
import { normalizeRepoUrl } from './normalize-repo-url';
import type { WebhookSettings } from './types';

/** The environment variables of the webhook gateway (outside `ENV`, as the mail settings are). */
export const WEBHOOK_ENV = {
  secret: 'CCP_WEBHOOK_SECRET',
  bodyLimit: 'CCP_WEBHOOK_BODY_LIMIT',
  timestampTolerance: 'CCP_WEBHOOK_TIMESTAMP_TOLERANCE',
} as const;

/** `webhooks:` of the config file, as written. */
export interface WebhookFileSettings {
  secret?: unknown;
  secrets?: unknown;
  bodyLimit?: unknown;
  timestampTolerance?: unknown;
}

/** Seconds a signed webhook timestamp may be off the clock by default: five minutes, as Stripe and Slack. */
export const DEFAULT_TIMESTAMP_TOLERANCE = 300;

/** 1 MiB: a GitHub push payload of 20 commits is a few tens of kilobytes. */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 1024 * 1024;

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 * 1024 };
const SIZE = /^(\d+)\s*(b|kb|mb)?$/i;
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

  const fileSecret = section.secret;
  if (fileSecret !== undefined && (typeof fileSecret !== 'string' || fileSecret === '')) {
    issues.push({ ...where, field: 'webhooks.secret', message: 'must be a non-empty string' });
  }
  const secret = env[WEBHOOK_ENV.secret] || (typeof fileSecret === 'string' && fileSecret !== '' ? fileSecret : undefined);

  const bodyLimitText = env[WEBHOOK_ENV.bodyLimit] || section.bodyLimit;
  let bodyLimit = DEFAULT_WEBHOOK_BODY_LIMIT;
  if (bodyLimitText !== undefined) {
    const parsed = parseSize(bodyLimitText);
    if (parsed === null) issues.push({ ...where, field: 'webhooks.bodyLimit', message: `"${String(bodyLimitText)}" is not a size (bytes, or a number with kb or mb)` });
    else bodyLimit = parsed;
  }

  const toleranceText = env[WEBHOOK_ENV.timestampTolerance] || section.timestampTolerance;
  let timestampTolerance: number | undefined;
  if (toleranceText !== undefined) {
    const parsed = Number(toleranceText);
    if (String(toleranceText).trim() === '' || !Number.isInteger(parsed) || parsed <= 0) {
      issues.push({ ...where, field: 'webhooks.timestampTolerance', message: `"${String(toleranceText)}" is not a number of seconds above 0` });
    } else timestampTolerance = parsed;
  }

  return { ...(secret ? { secret } : {}), secrets: readSecrets(section.secrets, where, issues), bodyLimit, ...(timestampTolerance ? { timestampTolerance } : {}) };
}

/**
 * The settings of a configuration without a `webhooks` section: no secret (every delivery is
 * refused until one is set) and the default body limit.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function defaultWebhookSettings(): WebhookSettings {
  return { secrets: new Map(), bodyLimit: DEFAULT_WEBHOOK_BODY_LIMIT };
}

/**
 * The key a per-repository setting is stored under: the {@link normalizeRepoUrl} key of a
 * URL, else a host-less path key (`owner/repo`) in lower case without `.git`; `null` when `key`
 * is neither.
 */
export function settingKey(key: string): string | null {
  const normalized = normalizeRepoUrl(key);
  if (normalized) return normalized;
  const trimmed = key.trim().replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '');
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

function parseSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = SIZE.exec(value.trim());
  if (!match) return null;
  const bytes = Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!;
  return bytes > 0 ? bytes : null;
}
