import type { CloudEvent } from 'cloudevents';
import { genericProvider } from '../../shared/webhooks/providers/generic';
import { signBody, signTimestampedBody } from '../../shared/webhooks/signature';
import type { WebhookSettings } from '../../shared/webhooks/types';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { DeliveryMarkers } from './delivery-markers';
import { receiveWebhook } from './receive';
import { DEFAULT_TIMESTAMP_TOLERANCE } from '../../shared/webhooks/settings';

const SECRET = 'generic-secret-8e1f';
const NOW = Date.parse('2026-12-06T01:00:00Z');
const SECONDS = NOW / 1000;
const BODY = Buffer.from(
  JSON.stringify({ repoUrl: 'https://git.example.org/team/images.git', branch: 'main', commit: '4f2a9c3e1b0d8a7f6e5d4c3b2a190817263544fa' }),
);
const settings = (extra: Partial<WebhookSettings> = {}): WebhookSettings => ({
  secret: SECRET,
  secrets: new Map(),
  bodyLimit: 1024 * 1024,
  timestampTolerance: DEFAULT_TIMESTAMP_TOLERANCE,
  ...extra,
});

async function send(headers: Record<string, string>, webhookSettings = settings()): Promise<[number, string, unknown, number]> {
  const published: CloudEvent<unknown>[] = [];
  const reply = await receiveWebhook(
    genericProvider,
    { headers: { 'content-type': 'application/json', ...headers }, body: BODY },
    webhookSettings,
    async (event) => void published.push(event),
    () => NOW,
  );
  return [reply.status, reply.outcome, reply.body.error, published.length];
}

const timestamped = (timestamp: number | string, signedAs = timestamp): Record<string, string> => ({
  'x-ccp-timestamp': String(timestamp),
  'x-ccp-signature-256': signTimestampedBody(String(signedAs), BODY, SECRET),
});

describe('receiveWebhook: the generic webhook signed timestamp', () => {
  it.each([
    ['no timestamp (the body alone signed)', { 'x-ccp-signature-256': signBody(BODY, SECRET) }, [202, 'published', undefined, 1]],
    ['a timestamp of now', timestamped(SECONDS), [202, 'published', undefined, 1]],
    ['a timestamp 299 s old', timestamped(SECONDS - 299), [202, 'published', undefined, 1]],
    [
      'a timestamp 301 s old',
      timestamped(SECONDS - 301),
      [401, 'stale', 'the signed timestamp is 301 s old, beyond the tolerance of 300 s: a replayed delivery is refused', 0],
    ],
    [
      'a timestamp 10 min ahead',
      timestamped(SECONDS + 600),
      [401, 'stale', 'the signed timestamp is 600 s ahead of this clock, beyond the tolerance of 300 s', 0],
    ],
    [
      'an old delivery given a fresh timestamp',
      timestamped(SECONDS, SECONDS - 3600),
      [401, 'unauthorized', 'the x-ccp-signature-256 header does not match the global secret', 0],
    ],
    [
      'a body-only signature with a timestamp added',
      { 'x-ccp-timestamp': String(SECONDS), 'x-ccp-signature-256': signBody(BODY, SECRET) },
      [401, 'unauthorized', 'the x-ccp-signature-256 header does not match the global secret', 0],
    ],
    ['a timestamp that is no number', timestamped('yesterday'), [400, 'malformed', 'the signed timestamp must be Unix seconds (e.g. $(date +%s))', 0]],
  ])('%s', async (_case, headers, expected) => {
    expect(await send(headers)).toEqual(expected);
  });

  it('uses the configured tolerance', async () => {
    expect(await send(timestamped(SECONDS - 120), settings({ timestampTolerance: 60 }))).toEqual([
      401,
      'stale',
      'the signed timestamp is 120 s old, beyond the tolerance of 60 s: a replayed delivery is refused',
      0,
    ]);
  });
});

describe('receiveWebhook: a delivery id published once (markers in the store)', () => {
  const signed = { 'content-type': 'application/json', 'x-ccp-signature-256': signBody(BODY, SECRET), 'x-ccp-delivery': 'delivery-7' };

  it('publishes a delivery, answers its retries duplicate, and publishes again a retry of one whose publish failed', async () => {
    const markers = new DeliveryMarkers(new TempObjectStore());
    const published: string[] = [];
    let failing = true;
    const publish = async (event: CloudEvent<unknown>): Promise<void> => {
      if (failing) throw new Error('broker unreachable');
      published.push(event.id);
    };
    const send = async (): Promise<[number, string]> => {
      const reply = await receiveWebhook(genericProvider, { headers: signed, body: BODY }, settings(), publish, () => NOW, markers);
      return [reply.status, reply.outcome];
    };
    const failed = await send();
    failing = false;
    expect([failed, await send(), await send(), published]).toEqual([[503, 'unpublished'], [202, 'published'], [202, 'duplicate'], ['delivery-7']]);
  });
});
