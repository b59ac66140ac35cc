import { Router } from 'express';
import type { ObjectStore } from '../store/types';

/** Only reports are public; build records, dedup markers and dead letters are not. */
const PUBLIC_PREFIX = 'reports/';

/**
 * `GET /reports/<app-id>/<job-id>/<tag>/<build-id>/<file>` serves a stored report, so that the
 * links the embedded default prints and mails open in a browser. 404 for anything else.
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Methods/GET
 */
export function reportRoutes(store: ObjectStore): Router {
  const router = Router();
  router.get(/^\/reports\/(.+)$/, (request, response, next) => {
    const key = `${PUBLIC_PREFIX}${decodeURIComponent((request.params as Record<string, string>)[0] ?? '')}`;
    store.get(key).then(
      (object) => {
        if (!object) {
          response.status(404).json({ error: `no report ${key}` });
          return;
        }
        response.setHeader('Content-Type', object.contentType ?? 'application/octet-stream');
        response.setHeader('ETag', object.etag);
        response.setHeader('X-Content-Type-Options', 'nosniff');
        response.status(200).end(object.body);
      },
      (error: unknown) => next(error),
    );
  });
  return router;
}

/** The URL under which {@link reportRoutes} serves `key`, or `null` when the key is not a report. */
export function reportUrl(baseUrl: string, key: string): string | null {
  if (!key.startsWith(PUBLIC_PREFIX)) return null;
  return `${baseUrl.replace(/\/$/, '')}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
