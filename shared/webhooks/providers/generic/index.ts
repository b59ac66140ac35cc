import { headerValue as header, readJsonObject, stringsAt } from '../../payload';
import { bodyDigest, verifyBodySignature, verifyTimestampedSignature } from '../../signature';
import type { WebhookProvider } from '../../types';
import { genericPushOutcome } from './push';

/**
 * Any other sender (a CI job, a self-hosted forge, a script): a JSON push
 * `{repoUrl, branch, commit, changedPaths?}` signed like GitHub's, `X-Ccp-Signature-256:
 * sha256=<hex HMAC-SHA256 of the raw body>`, with an optional `X-Ccp-Delivery` id (else a
 * digest of the body, so the same push sent twice is one event). A sender may sign a time too:
 * `X-Ccp-Timestamp: <Unix seconds>` and the HMAC of `<timestamp>.<raw body>`; the gateway then
 * refuses it once it is older than the tolerance. See README, "Webhooks".
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 * @see https://docs.stripe.com/webhooks#verify-manually
 */
const TIMESTAMP_HEADER = 'x-ccp-timestamp';

export const genericProvider: WebhookProvider = {
  name: 'generic',
  credentialHeader: 'x-ccp-signature-256',
  readPayload: (request) => readJsonObject(request),
  repoUrls: (payload) => stringsAt(payload, ['repoUrl']),
  verify: (request, secret) => {
    const timestamp = header(request, TIMESTAMP_HEADER);
    const signature = header(request, 'x-ccp-signature-256');
    return timestamp === undefined
      ? verifyBodySignature(signature, request.body, secret)
      : verifyTimestampedSignature(signature, timestamp, request.body, secret);
  },
  signedTimestamp: (request) => header(request, TIMESTAMP_HEADER),
  deliveryId: (request) => header(request, 'x-ccp-delivery') ?? bodyDigest(request.body),
  interpret: (_request, payload) => genericPushOutcome(payload),
};
