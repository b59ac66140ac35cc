import { ValidationError } from '../../../errors/validation-error';
import { headerValue as header, readJsonObject, stringsAt } from '../../payload';
import { bodyDigest, verifyBodySignature } from '../../signature';
import type { WebhookProvider } from '../../types';
import { GITHUB_REPO_URL_FIELDS, githubPushOutcome } from './push';

/**
 * GitHub: `X-Hub-Signature-256` (HMAC-SHA256 of the raw body), `X-GitHub-Event` (`push`,
 * `ping`; others are ignored), `X-GitHub-Delivery` (the same on a redelivery). JSON or
 * form-encoded (`payload=`) bodies.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
 */
export const githubProvider: WebhookProvider = {
  name: 'github',
  credentialHeader: 'x-hub-signature-256',
  readPayload: (request) => readJsonObject(request, 'payload'),
  repoUrls: (payload) => stringsAt(payload, GITHUB_REPO_URL_FIELDS),
  verify: (request, secret) => verifyBodySignature(header(request, 'x-hub-signature-256'), request.body, secret),
  deliveryId: (request) => header(request, 'x-github-delivery') ?? bodyDigest(request.body),
  interpret(request, payload) {
    const event = header(request, 'x-github-event');
    if (event === undefined) throw new ValidationError('not a GitHub webhook', [{ field: 'X-GitHub-Event', message: 'header is required' }]);
    if (event === 'ping') return { kind: 'ping' };
    if (event !== 'push') return { kind: 'ignored', reason: `GitHub event "${event}" is not handled` };
    return githubPushOutcome(payload);
  },
};
