import { normalizeRepoUrl, repoPathKey } from './normalize-repo-url';
import type { WebhookSettings } from './types';

/** The secret a delivery must prove, and whether it is the repository's own or the global one. */
export interface RepoSecret {
  secret: string;
  scope: 'repository' | 'global';
}

/**
 * The secret of the repository that `repoUrls` name: its own (`webhooks.secrets`, by full key
 * first, then by `owner/repo`), else the global one; `null` when neither is configured, and the
 * delivery must then be refused. A repository with its own secret never accepts the global one,
 * so a holder of the global secret cannot forge pushes for it.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function secretForRepo(settings: WebhookSettings, repoUrls: readonly string[]): RepoSecret | null {
  const keys = repoUrls.map(normalizeRepoUrl).filter((key): key is string => key !== null);
  for (const key of keys) {
    const own = settings.secrets.get(key);
    if (own !== undefined) return { secret: own, scope: 'repository' };
  }
  for (const key of keys) {
    const pathKey = repoPathKey(key);
    const own = pathKey === null ? undefined : settings.secrets.get(pathKey);
    if (own !== undefined) return { secret: own, scope: 'repository' };
  }
  return settings.secret === undefined ? null : { secret: settings.secret, scope: 'global' };
}
