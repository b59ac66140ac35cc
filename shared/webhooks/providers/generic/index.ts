import { headerValue as header, readJsonObject, stringsAt } from '../../payload';
import { bodyDigest, verifyBodySignature } from '../../signature';
import type { WebhookProvider } from '../../types';
import { genericPushOutcome } from './push';

/**
 * Any other sender (a CI job, a self-hosted forge, a script): a JSON push
 * `{repoUrl, branch, commit, changedPaths?}` signed like GitHub's, `X-Ccp-Signature-256:
 * sha256=<hex HMAC-SHA256 of the raw body>`, with an optional `X-Ccp-Delivery` id (else a
 * digest of the body, so the same push sent twice is one event). See README, "Webhooks".
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export const genericProvider: WebhookProvider = {
  name: 'generic',
  credentialHeader: 'x-ccp-signature-256',
  readPayload: (request) => readJsonObject(request),
  repoUrls: (payload) => stringsAt(payload, ['repoUrl']),
  verify: (request, secret) => verifyBodySignature(header(request, 'x-ccp-signature-256'), request.body, secret),
  deliveryId: (request) => header(request, 'x-ccp-delivery') ?? bodyDigest(request.body),
  interpret: (_request, payload) => genericPushOutcome(payload),
};
