import express, { type Application } from 'express';
import { ValidationError } from '../errors/validation-error';
import { silentLogger, type Logger } from '../log/logger';
import { addMetricsRoute } from '../metrics/metrics-route';
import { defaultMetrics, type CcpMetrics } from '../metrics/metrics';
import { eventLogFields } from '../metrics/log-fields';
import { observeBroker } from '../metrics/broker-observer';
import type { InProcessBroker } from '../runtime/in-process-broker';
import { addFallbackHandlers, addHealthRoutes, bodyOf, hardenResponses, rawBody, sendValidationError } from './http-common';
import { requireIngressToken } from './ingress-token';
import { readEvent } from './read-event';

export interface BrokerIngressOptions {
  logger?: Logger;
  bodyLimit?: string | number;
  /** Where `/metrics` reads from and the broker's deliveries are counted; the process's registry by default. */
  metrics?: CcpMetrics;
  /**
   * The Bearer token `POST /` requires ({@link requireIngressToken}); the embedded runtime's door
   * always passes one. Unset: the ingress takes events from anyone, as a stand-in for the
   * cluster's Broker in tests.
   */
  token?: string;
}

/**
 * The HTTP door of the embedded broker (`ccp serve`): `POST /` takes any CloudEvent in binary
 * or structured mode and publishes it, answering 202 once accepted and 400 with
 * `{error, errors}` for an invalid event, as a Knative Broker ingress does; with `token`, 401
 * `{error}` before the body is read unless the request carries it as Bearer token. This is what
 * `kn event send` or curl talk to. `GET /metrics` serves the Prometheus metrics of the broker's
 * deliveries (events by type, handler durations and failures, dead letters, queue depth).
 * @see https://knative.dev/docs/eventing/brokers/
 */
export function createBrokerIngress(broker: InProcessBroker, options: BrokerIngressOptions = {}): Application {
  const logger = (options.logger ?? silentLogger).child({ fn: 'broker-ingress' });
  const app = express();
  hardenResponses(app);
  addHealthRoutes(app, { broker: 'ccp' });
  const metrics = options.metrics ?? defaultMetrics();
  observeBroker(broker, metrics);
  addMetricsRoute(app, metrics);
  const authorized = options.token === undefined ? [] : [requireIngressToken(options.token, logger)];
  app.post('/', ...authorized, rawBody(options.bodyLimit), (request, response) => {
    void (async () => {
      try {
        const event = readEvent(request.headers, bodyOf(request));
        await broker.publish(event);
        logger.info('event accepted', { ...eventLogFields(event), subject: event.subject, status: 202 });
        response.status(202).end();
      } catch (error) {
        if (error instanceof ValidationError) {
          logger.warn('event refused', { eventId: String(request.headers['ce-id'] ?? ''), status: 400, error });
          sendValidationError(response, error);
          return;
        }
        logger.error('event not published', { status: 500, error });
        // The message may carry paths (a store error); the log has it, the client does not.
        if (!response.headersSent) response.status(500).json({ error: 'internal error: the event was not published' });
      }
    })();
  });
  addFallbackHandlers(app, (error, status) => logger.warn('request refused', { status, error }));
  return app;
}
