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

/** JSON 404 for unknown paths and JSON errors for what body parsing refuses (413, 415…). */
export function addFallbackHandlers(app: Application, onError: (error: unknown, status: number) => void): void {
  app.use((request: Request, response: Response) => {
    response.status(404).json({ error: `no route for ${request.method} ${request.path}` });
  });
  const errors: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    onError(error, status);
    const message =
      status === 413
        ? 'request body is larger than the limit'
        : status >= 500
          ? 'internal error'
          : String((error as Error).message ?? error);
    response.status(status).json({ error: message });
  };
  app.use(errors);
}
