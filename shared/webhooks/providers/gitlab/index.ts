import { ValidationError } from '../../../errors/validation-error';
import { headerValue as header, readJsonObject, stringsAt } from '../../payload';
import { bodyDigest, tokensEqual } from '../../signature';
import type { WebhookProvider, WebhookRequest } from '../../types';
import { GITLAB_REPO_URL_FIELDS, gitlabPushOutcome } from './push';

/** GitLab's delivery ids, steadiest first: `Idempotency-Key` is kept across retries (GitLab 17.4+). */
const DELIVERY_HEADERS = ['idempotency-key', 'x-gitlab-event-uuid', 'x-gitlab-webhook-uuid'] as const;

/**
 * GitLab: `X-Gitlab-Token` (the shared secret itself, compared in constant time),
 * `X-Gitlab-Event: Push Hook` (others are ignored). The delivery id is `Idempotency-Key`, else
 * `X-Gitlab-Event-UUID`, else `X-Gitlab-Webhook-UUID`, else a digest of the body.
 * @see https://docs.gitlab.com/user/project/integrations/webhooks/#delivery-headers
 */
export const gitlabProvider: WebhookProvider = {
  name: 'gitlab',
  credentialHeader: 'x-gitlab-token',
  readPayload: (request) => readJsonObject(request),
  repoUrls: (payload) => stringsAt(payload, GITLAB_REPO_URL_FIELDS),
  verify: (request, secret) => tokensEqual(header(request, 'x-gitlab-token'), secret),
  deliveryId: (request) => deliveryHeader(request) ?? bodyDigest(request.body),
  interpret(request, payload) {
    const event = header(request, 'x-gitlab-event');
    if (event === undefined) throw new ValidationError('not a GitLab webhook', [{ field: 'X-Gitlab-Event', message: 'header is required' }]);
    if (event !== 'Push Hook') return { kind: 'ignored', reason: `GitLab event "${event}" is not handled` };
    return gitlabPushOutcome(payload);
  },
};

function deliveryHeader(request: WebhookRequest): string | undefined {
  for (const name of DELIVERY_HEADERS) {
    const value = header(request, name);
    if (value !== undefined) return value;
  }
  return undefined;
}
