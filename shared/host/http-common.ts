import type { Duplex } from 'node:stream';
import express, { type Application, type ErrorRequestHandler, type Request, type Response } from 'express';
import { ValidationError } from '../errors/validation-error';

/** Largest request body accepted; a CloudEvent of this service is a few kilobytes. */
export const DEFAULT_BODY_LIMIT = '1mb';

/** Reads any request body as a Buffer, up to `limit` (HTTP 413 beyond). */
export function rawBody(limit: string | number = DEFAULT_BODY_LIMIT): express.RequestHandler {
  return express.raw({ type: () => true, limit });
}

/** The request body read by {@link rawBody}; empty when the request had none. */
export function bodyOf(request: Request): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/**
 * `GET /health/liveness` and `/health/readiness`, the paths Knative Functions probe.
 * @see https://knative.dev/docs/functions/
 */
export function addHealthRoutes(app: Application, details: Record<string, unknown>): void {
  const ok = (_request: Request, response: Response): void => {
    response.status(200).json({ status: 'ok', ...details });
  };
  app.get('/health/liveness', ok);
  app.get('/health/readiness', ok);
}

/** The JSON body of a refused request: `{error, errors: [{field, message}]}`. */
export function sendValidationError(response: Response, error: ValidationError): void {
  response.status(400).json({
    error: error.message,
    errors: error.errors.map(({ field, message }) => ({ field, message })),
  });
}

/**
 * What every door answers on every response: no `X-Powered-By`, and `X-Content-Type-Options:
 * nosniff` so that a browser never guesses HTML out of a JSON or text answer.
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Content-Type-Options
 */
export function hardenResponses(app: Application): void {
  app.disable('x-powered-by');
  app.use((_request, response, next) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
}

/** Fixed texts for refused requests whose own error message is not meant for the client. */
const STATUS_TEXTS: Readonly<Record<number, string>> = {
  400: 'bad request',
  404: 'not found',
  405: 'method not allowed',
  408: 'request timeout',
  413: 'request body is larger than the limit',
  415: 'unsupported content type',
  431: 'request headers are too large',
};

/**
 * The status and JSON body a door answers for `error`: its own `status` (body-parser, router,
 * http-errors), 400 for a malformed percent-encoding (`URIError`), else 500. A 4xx message is the
 * error's own only when it is marked `expose` (http-errors' convention for client-safe texts);
 * a 5xx says `internal error`: never a stack, a path or a library's words.
 * @see https://github.com/jshttp/http-errors#error-properties
 */
export function errorAnswer(error: unknown): { status: number; body: { error: string } } {
  const raw = (error as { status?: unknown; statusCode?: unknown } | null) ?? {};
  const given = typeof raw.status === 'number' ? raw.status : typeof raw.statusCode === 'number' ? raw.statusCode : undefined;
  const status = given !== undefined && given >= 400 && given <= 599 ? given : error instanceof URIError ? 400 : 500;
  if (status >= 500) return { status, body: { error: 'internal error' } };
  if (error instanceof URIError) return { status, body: { error: 'malformed percent-encoding in the URL' } };
  const exposed = (error as { expose?: unknown }).expose === true && status !== 413 ? String((error as Error).message) : undefined;
  return { status, body: { error: exposed ?? STATUS_TEXTS[status] ?? 'request refused' } };
}

/**
 * Answers what Node's HTTP parser refuses before Express sees it (a header block over
 * `--max-http-header-size`, an unknown method, a malformed request line) with JSON and closes
 * the connection, instead of Node's bare status line. For `server.on('clientError', …)`.
 * @see https://nodejs.org/docs/latest-v20.x/api/http.html#event-clienterror
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({ error: STATUS_TEXTS[status] });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * JSON 404 for unknown paths and JSON errors (see {@link errorAnswer}) for whatever a route,
 * body parsing or Express's own URL decoding throws, so that no error reaches Express's default
 * handler (an HTML page with the stack trace and install paths outside production).
 */
export function addFallbackHandlers(app: Application, onError: (error: unknown, status: number) => void): void {
  app.use((request: Request, response: Response) => {
    response.status(404).json({ error: `no route for ${request.method} ${request.path}` });
  });
  const errors: ErrorRequestHandler = (error: unknown, request, response, _next) => {
    const { status, body } = errorAnswer(error);
    onError(error, status);
    if (response.headersSent) {
      request.socket.destroy();
      return;
    }
    response.status(status).json(body);
  };
  app.use(errors);
}
