import type { CloudEvent } from 'cloudevents';
import express, { type Router } from 'express';
import { ValidationError, type Issue } from '../errors/validation-error';
import { EventTypes } from '../events/types';
import { functionSource, makeEvent } from '../events/make';
import { type ImagePushedData } from '../events/contracts/image-pushed';
import { isPlainObject } from '../events/schema';
import { bodyOf, sendValidationError } from '../host/http-common';
import type { Logger } from '../log/logger';
import { LruSet } from '../runtime/lru-set';
import { requireBearerToken } from './notify-token';

/** The media type of the registry's notification envelopes. */
export const REGISTRY_EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** The `source` of the `image.pushed` events made from registry notifications. */
export const REGISTRY_SOURCE = functionSource('registry');

/** Manifests (and indexes) whose push moves a tag; blobs and anything else are ignored. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
];

/**
 * Turns one notification envelope of the CNCF distribution registry (`{events: [...]}`) into
 * `org.centos.ccp.image.pushed` CloudEvents: one per `push` of a manifest with a tag. Pulls,
 * blob pushes, untagged manifests and deletes are dropped. The CloudEvent id is the
 * notification's own id, so a notification the registry sends again is a duplicate that the
 * Broker drops. Throws a {@link ValidationError} naming the fields of a malformed envelope.
 * @see https://distribution.github.io/distribution/about/notifications/
 */
export function imagePushedEvents(body: unknown): CloudEvent<ImagePushedData>[] {
  const issues: Issue[] = [];
  if (!isPlainObject(body) || !Array.isArray(body.events)) {
    throw new ValidationError('not a registry notification', [{ field: 'events', message: 'must be a list' }]);
  }
  const pushed: CloudEvent<ImagePushedData>[] = [];
  body.events.forEach((item: unknown, index) => {
    const at = `events[${index}]`;
    if (!isPlainObject(item)) return void issues.push({ field: at, message: 'must be an object' });
    const target = isPlainObject(item.target) ? item.target : null;
    if (typeof item.id !== 'string' || item.id === '') issues.push({ field: `${at}.id`, message: 'is required' });
    if (typeof item.action !== 'string') issues.push({ field: `${at}.action`, message: 'is required' });
    if (!target) return void issues.push({ field: `${at}.target`, message: 'must be an object' });
    if (item.action !== 'push' || typeof target.tag !== 'string' || target.tag === '' || !MANIFEST_MEDIA_TYPES.includes(String(target.mediaType))) return;
    if (typeof target.repository !== 'string' || target.repository === '')
      return void issues.push({ field: `${at}.target.repository`, message: 'is required' });
    if (typeof target.digest !== 'string' || !/^[a-z0-9]+:[a-f0-9]{32,}$/.test(target.digest))
      return void issues.push({ field: `${at}.target.digest`, message: 'must be a digest' });
    if (typeof item.id !== 'string' || item.id === '') return;
    const registry = registryHost(item, target);
    const data: ImagePushedData = {
      repository: target.repository,
      tag: target.tag,
      digest: target.digest,
      mediaType: String(target.mediaType),
      ...(registry ? { registry } : {}),
    };
    const time = typeof item.timestamp === 'string' && !Number.isNaN(Date.parse(item.timestamp)) ? new Date(item.timestamp).toISOString() : undefined;
    pushed.push(
      makeEvent(EventTypes.imagePushed, data, {
        source: REGISTRY_SOURCE,
        id: item.id,
        subject: `${target.repository}:${target.tag}`,
        ...(time ? { time } : {}),
      }),
    );
  });
  if (issues.length > 0) throw new ValidationError('invalid registry notification', issues);
  return pushed;
}

/** `host:port` of the registry: from the target's URL, else the host the request was made to. */
function registryHost(item: Record<string, unknown>, target: Record<string, unknown>): string | null {
  if (typeof target.url === 'string') {
    try {
      return new URL(target.url).host;
    } catch {
      // fall through to the request's host
    }
  }
  const request = isPlainObject(item.request) ? item.request : null;
  return request && typeof request.host === 'string' && request.host !== '' ? request.host : null;
}

export interface RegistryNotificationOptions {
  /** Hands each `image.pushed` to the Broker: `broker.publish` embedded, `K_SINK` in the cluster. */
  publish: (event: CloudEvent<unknown>) => Promise<void>;
  log: Logger;
  /** Notification ids remembered to drop repeats before they reach the Broker; 10,000 by default. */
  dedupCapacity?: number;
  /** Largest envelope accepted; 1 MiB by default. */
  bodyLimit?: string | number;
  /**
   * Bearer tokens a notification may carry (the registry's endpoint `headers`): the configured
   * `CCP_REGISTRY_NOTIFY_TOKEN`, the one of the local registry ccp started. Unset and empty ones
   * are dropped; none left: every notification is refused.
   */
  tokens: ReadonlyArray<string | undefined | null>;
}

/**
 * `POST /notifications`, to mount at `/registry`: the endpoint named in the registry's
 * `notifications.endpoints[].url`. A request without one of `tokens` as its Bearer token gets 401
 * before its body is read: the route is cluster-local, but anything in the cluster could
 * otherwise forge `image.pushed` and start rebuilds. Answers 200 once every `image.pushed` is
 * published (the registry then drops the envelope), 400 for a malformed envelope, 500 when publishing failed
 * (the registry sends it again after its backoff). Repeated notification ids are published once.
 * @see https://distribution.github.io/distribution/about/notifications/
 */
export function registryNotificationRoutes(options: RegistryNotificationOptions): Router {
  const log = options.log.child({ fn: 'registry-notifications' });
  const seen = new LruSet(options.dedupCapacity ?? 10_000);
  const router = express.Router();
  router.post(
    '/notifications',
    requireBearerToken(options.tokens, log),
    express.raw({ type: () => true, limit: options.bodyLimit ?? '1mb' }),
    (request, response) => {
      let events: CloudEvent<ImagePushedData>[];
      try {
        events = imagePushedEvents(JSON.parse(bodyOf(request).toString('utf8')) as unknown);
      } catch (error) {
        const refused =
          error instanceof ValidationError ? error : new ValidationError('not a registry notification', [{ field: 'body', message: 'is not JSON' }]);
        log.warn('registry notification refused', { error: refused.message });
        return void sendValidationError(response, refused);
      }
      const fresh = events.filter((event) => !seen.has(event.id));
      Promise.all(fresh.map((event) => options.publish(event)))
        .then(() => {
          for (const event of fresh) seen.add(event.id);
          if (fresh.length > 0) log.info('registry notification', { pushed: fresh.map((event) => `${event.subject}@${event.data?.digest}`) });
          response.status(200).json({ published: fresh.length, duplicates: events.length - fresh.length });
        })
        .catch((error: unknown) => {
          log.error('registry notification not published', { error });
          response.status(500).json({ error: 'could not publish; send it again' });
        });
    },
  );
  return router;
}
