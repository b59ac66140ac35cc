import { Router, type Request, type Response } from 'express';
import { ValidationError } from '../errors/validation-error';
import { silentLogger, type Logger } from '../log/logger';
import { UnsafePathError } from '../store/errors';
import type { ObjectStore, StoredObject } from '../store/types';
import { DEFAULT_PAGE_SIZE, readReportsIndex } from './reports-index';
import { renderReportsIndex } from './reports-index-html';

/** Only reports are public; build records, dedup markers and dead letters are not. */
const PUBLIC_PREFIX = 'reports/';

/**
 * A report page is written from what an attacker controls (package names, Dockerfile lines,
 * lint messages): no script, no request anywhere, no form, no framing, and a sandbox (a unique
 * origin) in case something slips through escaping. `scan.html` needs only its inline `<style>`.
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

/** Content types a browser shows in place; anything else is offered as a download. */
const INLINE_TYPES = /^(text\/(html|plain|csv)|application\/([\w.+-]+\+)?json)(;|$)/i;

export interface ReportRouteOptions {
  /** Where refused requests are logged (a link under `reports/` is an attack worth a line). */
  log?: Logger;
  /** Projects per page of the index at `/reports/` (default {@link DEFAULT_PAGE_SIZE}). */
  pageSize?: number;
}

/**
 * `GET /reports/<app-id>/<job-id>/<tag>/<build-id>/<file>` (and `HEAD`) serves a stored report,
 * so that the links the embedded default prints and mails open in a browser. Every other answer
 * is JSON `{error}`: 400 for a malformed percent-encoding or a path that is no valid key
 * (`..`, `//`, NUL, backslash, too long), 404 for a missing report or one whose file is a link
 * (the store refuses it, see shared/store/readme.md), 405 for other methods. Reports carry
 * `nosniff`, {@link REPORT_CSP} and a `Content-Disposition` with their file name.
 * `GET /reports/` (and `/reports`) is the index: the latest build of each project with links to
 * its reports, as a page, or JSON with `Accept: application/json` or `?format=json`; `?page=N`
 * pages through it (see reports-index.ts).
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Methods/GET
 */
export function reportRoutes(store: ObjectStore, options: ReportRouteOptions = {}): Router {
  const log = (options.log ?? silentLogger).child({ fn: 'reports' });
  const router = Router();
  // Matched on the raw path, so that decoding is ours: Express's own param decoding would throw.
  router.use((request, response, next) => {
    if (request.path !== '/reports' && !request.path.startsWith('/reports/')) {
      next();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      response.status(405).json({ error: `${request.method} is not allowed on reports: use GET` });
      return;
    }
    if (request.path === '/reports' || request.path === '/reports/') {
      sendIndex(store, request, response, options.pageSize ?? DEFAULT_PAGE_SIZE).catch(next);
      return;
    }
    const key = reportKeyOf(request.path);
    if (key === null) {
      refuse(response, 400, 'malformed percent-encoding in the URL');
      return;
    }
    store.get(key).then(
      (object) => {
        if (!object) refuse(response, 404, 'no such report');
        else sendReport(request, response, object);
      },
      (error: unknown) => {
        if (error instanceof ValidationError) {
          refuse(response, 400, 'not a report path');
        } else if (error instanceof UnsafePathError) {
          log.warn('report refused: its path meets a link', { key, status: 404 });
          refuse(response, 404, 'no such report');
        } else {
          next(error);
        }
      },
    );
  });
  return router;
}

/** The URL under which {@link reportRoutes} serves `key`, or `null` when the key is not a report. */
export function reportUrl(baseUrl: string, key: string): string | null {
  if (!key.startsWith(PUBLIC_PREFIX)) return null;
  return `${baseUrl.replace(/\/$/, '')}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** The store key of a raw `/reports/…` path; `null` when its percent-encoding is malformed. */
function reportKeyOf(rawPath: string): string | null {
  try {
    return `${PUBLIC_PREFIX}${decodeURIComponent(rawPath.slice('/reports/'.length))}`;
  } catch {
    return null;
  }
}

function refuse(response: Response, status: number, error: string): void {
  response.status(status).json({ error });
}

/** The index, as the client asked: JSON for `?format=json` or an `Accept` preferring JSON, else the page. */
async function sendIndex(store: ObjectStore, request: Request, response: Response, pageSize: number): Promise<void> {
  const pageParam = request.query.page;
  if (pageParam !== undefined && (typeof pageParam !== 'string' || !/^[1-9]\d{0,5}$/.test(pageParam))) {
    refuse(response, 400, 'page must be a whole number from 1');
    return;
  }
  const format = request.query.format;
  if (format !== undefined && format !== 'json' && format !== 'html') {
    refuse(response, 400, 'format must be json or html');
    return;
  }
  const index = await readReportsIndex(store, pageParam === undefined ? 1 : Number(pageParam), pageSize);
  const json = format === 'json' || (format === undefined && request.accepts(['text/html', 'application/json']) === 'application/json');
  setSafetyHeaders(response);
  response.setHeader('Vary', 'Accept');
  response.setHeader('Cache-Control', 'no-store');
  if (json) response.status(200).json(index);
  else
    response
      .status(200)
      .type('text/html; charset=utf-8')
      .send(renderReportsIndex(index, request.path === '/reports' ? 'reports/' : ''));
}

/** What every answer with stored content carries: no sniffing, no script, no referrer, no cross-origin reads. */
function setSafetyHeaders(response: Response): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Content-Security-Policy', REPORT_CSP);
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendReport(request: Request, response: Response, object: StoredObject): void {
  const contentType = object.contentType ?? 'application/octet-stream';
  const name = object.key.slice(object.key.lastIndexOf('/') + 1);
  response.setHeader('Content-Type', contentType);
  response.setHeader('ETag', `"${object.etag}"`);
  setSafetyHeaders(response);
  response.setHeader('Content-Disposition', `${INLINE_TYPES.test(contentType) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`);
  response.setHeader('Content-Length', String(object.body.length));
  response.status(200);
  if (request.method === 'HEAD') response.end();
  else response.end(object.body);
}
