import type { CloudEvent } from 'cloudevents';
import { ValidationError } from '../../shared/errors/validation-error';
import { EventTypes } from '../../shared/events/types';
import { functionSource, makeEvent } from '../../shared/events/make';
import { secretForRepo } from '../../shared/webhooks/secrets';
import type { WebhookOutcome, WebhookProvider, WebhookRequest, WebhookSettings } from '../../shared/webhooks/types';
import type { Publish } from '../../shared/function/types';
import type { DeliveryMarkers } from './delivery-markers';
import { FUNCTION_NAME } from './handle';

/** The answer to one webhook delivery, and what its log line says. */
export interface WebhookReply {
  status: number;
  body: Record<string, unknown>;
  /** `published`, `duplicate`, `ping`, `ignored`, `unauthorized`, `stale`, `malformed`, `unpublished`. */
  outcome: string;
  delivery: string;
  repo?: string;
  branch?: string;
  /** Why it was refused or ignored (never a secret or a signature). */
  reason?: string;
}

/** The `source` of the `git.push` events made from `provider`'s webhooks. */
export function webhookSource(provider: string): string {
  return `${functionSource(FUNCTION_NAME)}/${provider}`;
}

/**
 * Handles one delivery: refuses it (401) unless its credential header proves the secret of the
 * repository it names (or the global one; never none), refuses a body that is no JSON or a
 * push without its fields (400), refuses a signed timestamp beyond the tolerance (401, a
 * replay), answers a ping (200), ignores what it does not handle (202), and publishes one
 * `git.push` whose id is the delivery id, so a redelivery is a duplicate: with `markers`, a
 * delivery id published already publishes nothing (202 `duplicate`).
 * @see https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks
 */
export async function receiveWebhook(
  provider: WebhookProvider,
  request: WebhookRequest,
  settings: WebhookSettings,
  publish: Publish,
  now: () => number = Date.now,
  markers?: DeliveryMarkers,
): Promise<WebhookReply> {
  const delivery = provider.deliveryId(request);
  const reply = (status: number, outcome: string, body: Record<string, unknown>, extra: Partial<WebhookReply> = {}): WebhookReply => ({
    status,
    outcome,
    body,
    delivery,
    ...extra,
  });

  if (request.headers[provider.credentialHeader] === undefined) {
    const reason = `the ${provider.credentialHeader} header is missing: unsigned pushes are never accepted`;
    return reply(401, 'unauthorized', { error: reason }, { reason });
  }
  let payload: unknown;
  try {
    payload = provider.readPayload(request);
  } catch (error) {
    return refused(error, (issues) => reply(400, 'malformed', issues.body, { reason: issues.reason }));
  }
  const repoUrls = provider.repoUrls(payload);
  const repo = repoUrls[0];
  const secret = secretForRepo(settings, repoUrls);
  if (!secret) {
    const reason = `no webhook secret is configured for ${repo ?? 'this delivery, which names no repository'}: unsigned pushes are never accepted`;
    return reply(401, 'unauthorized', { error: reason }, { repo, reason });
  }
  if (!provider.verify(request, secret.secret)) {
    const reason = `the ${provider.credentialHeader} header does not match the ${secret.scope} secret`;
    return reply(401, 'unauthorized', { error: reason }, { repo, reason });
  }
  const stale = timestampProblem(provider, request, settings, now());
  if (stale) return reply(stale.status, stale.status === 400 ? 'malformed' : 'stale', { error: stale.reason }, { repo, reason: stale.reason });

  let outcome: WebhookOutcome;
  try {
    outcome = provider.interpret(request, payload);
  } catch (error) {
    return refused(error, (issues) => reply(400, 'malformed', issues.body, { repo, reason: issues.reason }));
  }
  if (outcome.kind === 'ping') return reply(200, 'ping', { pong: true }, { repo });
  if (outcome.kind === 'ignored') return reply(202, 'ignored', { ignored: outcome.reason }, { repo, reason: outcome.reason });

  const event: CloudEvent<unknown> = makeEvent(EventTypes.gitPush, outcome.data, { source: webhookSource(provider.name), id: delivery });
  const pushed = { repo: outcome.data.repoUrl, branch: outcome.data.branch };
  const named = { id: event.id, source: event.source, type: event.type };
  if (markers && (await markers.seen(event))) {
    return reply(202, 'duplicate', { duplicate: named, push: outcome.data }, { ...pushed, reason: 'this delivery id was published already' });
  }
  try {
    await publish(event);
  } catch (error) {
    const reason = `could not publish the git.push event: ${(error as Error).message}`;
    return reply(503, 'unpublished', { error: reason }, { ...pushed, reason });
  }
  // After the publish: a crash before this line lets the sender's retry publish again, never lose it.
  await markers?.mark(event, outcome.data);
  return reply(202, 'published', { published: named, push: outcome.data }, pushed);
}

const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Why a delivery's signed timestamp is refused: not Unix seconds (400), or further from the
 * clock than the tolerance either way (401: a captured delivery sent again); `null` when it is
 * fresh or the delivery signed none. Checked after the signature, so only the secret's holder
 * learns the tolerance.
 * @see https://docs.stripe.com/webhooks#replay-attacks
 */
export function timestampProblem(
  provider: WebhookProvider,
  request: WebhookRequest,
  settings: WebhookSettings,
  nowMs: number,
): { status: 400 | 401; reason: string } | null {
  const timestamp = provider.signedTimestamp?.(request);
  if (timestamp === undefined) return null;
  if (!UNIX_SECONDS.test(timestamp.trim())) return { status: 400, reason: 'the signed timestamp must be Unix seconds (e.g. $(date +%s))' };
  const tolerance = settings.timestampTolerance;
  const skew = Math.floor(nowMs / 1000) - Number(timestamp.trim());
  if (skew > tolerance)
    return { status: 401, reason: `the signed timestamp is ${skew} s old, beyond the tolerance of ${tolerance} s: a replayed delivery is refused` };
  if (-skew > tolerance) return { status: 401, reason: `the signed timestamp is ${-skew} s ahead of this clock, beyond the tolerance of ${tolerance} s` };
  return null;
}

/** A ValidationError as a 400 body `{error, errors}`; anything else is a bug and is thrown on. */
function refused(error: unknown, make: (issues: { body: Record<string, unknown>; reason: string }) => WebhookReply): WebhookReply {
  if (!(error instanceof ValidationError)) throw error;
  return make({ body: { error: error.message, errors: error.errors.map(({ field, message }) => ({ field, message })) }, reason: error.message });
}
