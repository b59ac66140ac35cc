import { Router } from 'express';
import { ValidationError } from '../errors/validation-error';
import { UnsafePathError } from '../store/errors';
import type { ObjectStore } from '../store/types';
import { LOOKASIDE_PREFIX } from '../signing/simple-signing';

const ROUTE = `/${LOOKASIDE_PREFIX}/`;
/** The only files a lookaside holds: `<repository>@sha256=<hex>/signature-<n>`. */
const SIGNATURE_PATH = /^[a-z0-9._/-]+@sha256=[0-9a-f]{64}\/signature-[1-9]\d{0,3}$/;

/**
 * `GET /sigstore/<repository>@sha256=<hex>/signature-<n>` (and `HEAD`): the simple-signing
 * signatures the build function stored, laid out as a `registries.d` lookaside, so CRI-O,
 * podman and skopeo fetch them from here. A signature is public (it is checked, not trusted);
 * anything but a signature path is 404, other methods 405.
 * @see https://github.com/containers/image/blob/main/docs/containers-registries.d.5.md
 */
export function signatureRoutes(store: ObjectStore): Router {
  const router = Router();
  router.use((request, response, next) => {
    if (!request.path.startsWith(ROUTE)) {
      next();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      response.status(405).json({ error: `${request.method} is not allowed on signatures: use GET` });
      return;
    }
    let sub: string;
    try {
      sub = decodeURIComponent(request.path.slice(ROUTE.length));
    } catch {
      response.status(400).json({ error: 'malformed percent-encoding in the URL' });
      return;
    }
    if (!SIGNATURE_PATH.test(sub) || sub.split('/').some((segment) => segment === '.' || segment === '..' || segment === '')) {
      response.status(404).json({ error: 'no such signature' });
      return;
    }
    store.get(`${LOOKASIDE_PREFIX}/${sub}`).then(
      (object) => {
        if (!object) {
          response.status(404).json({ error: 'no such signature' });
          return;
        }
        response.setHeader('Content-Type', 'application/octet-stream');
        response.setHeader('X-Content-Type-Options', 'nosniff');
        response.setHeader('Content-Length', String(object.body.length));
        response.status(200);
        if (request.method === 'HEAD') response.end();
        else response.end(object.body);
      },
      (error: unknown) => {
        if (error instanceof ValidationError || error instanceof UnsafePathError) response.status(404).json({ error: 'no such signature' });
        else next(error);
      },
    );
  });
  return router;
}
