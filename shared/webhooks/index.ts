export type { WebhookSettings, WebhookProvider, WebhookProviderName, WebhookRequest, WebhookOutcome } from './types';
export { normalizeRepoUrl, repoPathKey } from './normalize-repo-url';
export { signBody, verifyBodySignature, signTimestampedBody, verifyTimestampedSignature, tokensEqual, bodyDigest } from './signature';
export { secretForRepo, type RepoSecret } from './secrets';
export { loadWebhookSettings, settingKey, WEBHOOK_ENV, DEFAULT_WEBHOOK_BODY_LIMIT, DEFAULT_TIMESTAMP_TOLERANCE, type WebhookFileSettings } from './settings';
export { gitPushFromGithubEvent, gitPushFromGitlabEvent } from './knative-sources';
export { WEBHOOK_PROVIDERS } from './providers/api';
