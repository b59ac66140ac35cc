import type { WebhookProvider, WebhookProviderName } from '../types';
import { genericProvider } from './generic';
import { githubProvider } from './github';
import { gitlabProvider } from './gitlab';

/** Every webhook sender the gateway serves, by name: `POST /webhooks/<name>`. */
export const WEBHOOK_PROVIDERS: ReadonlyMap<WebhookProviderName, WebhookProvider> = new Map(
  [githubProvider, gitlabProvider, genericProvider].map((provider) => [provider.name, provider]),
);
