import express, { type Application, type Request, type Response } from 'express';
import { HTTP, type CloudEvent } from 'cloudevents';
import type { FunctionDefinition, Publish, ServiceContext } from '../function/types';
import { ValidationError } from '../errors/validation-error';
import { validateEvent } from '../events/validate';
// From their modules, not the barrel: prom-client is loaded on the first scrape (see DeferredMetrics).
import { DeferredMetrics, deferredDefaultMetrics } from '../metrics/deferred';
import { eventLogFields } from '../metrics/log-fields';
import type { CcpMetrics } from '../metrics/metrics';
import { addMetricsRoute } from '../metrics/metrics-route';
import type { FailureReason } from '../metrics/names';
import { recordDeadLetter, recordHandled, recordReceived } from '../metrics/observe';
import { trackQueueDepth } from '../metrics/queue-depth';
import { DEFAULT_DELIVERY_TIMEOUT_MS, DeliveryTimeoutError, runDelivery } from '../runtime/delivery';
import { DeliveryGate } from './drain';
import { addFallbackHandlers, addHealthRoutes, bodyOf, rawBody, sendValidationError } from './http-common';
import { listen, type ListenOptions, type RunningServer } from './listen';
import { readEvent } from './read-event';
import { sendEvent } from './send-event';

export interface FunctionServerOptions {
  /** Where emitted events go instead of the reply: Knative's `K_SINK` (SinkBinding). */
  sink?: string;
  /** Largest accepted body, `1mb` by default (HTTP 413 beyond). */
  bodyLimit?: string | number;
  /** Where `/metrics` reads from and requests are counted; the process's registry by default. */
  metrics?: CcpMetrics;
  /**
   * Time limit of one handler call, in ms: past it the request is answered 504 (the broker
   * retries it per its delivery spec) and the handler's `context.signal` is aborted. 10 min by
   * default, Knative's largest revision timeout (the scan and build Services use it).
   */
  deliveryTimeoutMs?: number;
  /**
   * Counts the deliveries in flight; once closed (SIGTERM, see functions/main.ts) `POST /` and
   * `GET /health/readiness` answer 503 while the deliveries in flight finish. Its own by default.
   */
  gate?: DeliveryGate;
}

/**
 * The HTTP face of one function, as a Knative Service runs it: `POST /` takes a CloudEvent in
 * binary or structured mode and answers 400 for a malformed or unknown event (the handler is
 * not called; a `sink` function gets every well-formed CloudEvent), 400 when the handler refuses it with a ValidationError, 500 for other failures
 * (the broker retries), 504 past the delivery time limit (`deliveryTimeoutMs`; the handler's
 * `context.signal` is aborted), 200 with the first emitted event in binary mode, or 202 without a body.
 * With a sink, every emitted event is POSTed there and the reply is 202. A definition with
 * `routes` serves those plain HTTP endpoints too (the gateway's webhooks), publishing to the sink.
 * `GET /metrics` serves the Prometheus metrics of every request (see `shared/metrics`).
 * `context` is the function's whole context, its services included (`withServices`).
 * @see https://knative.dev/docs/eventing/sinks/
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 */
export function createFunctionServer<S extends object>(
  definition: FunctionDefinition<S>,
  context: ServiceContext<S>,
  options: FunctionServerOptions = {},
): Application {
  const app = express();
  app.disable('x-powered-by');
  const gate = options.gate ?? new DeliveryGate();
  // Shutting down: not ready (Knative stops routing here) and no new delivery (503: the broker
  // retries it elsewhere); those in flight run to their end.
  app.get('/health/readiness', (_request, response, next) => {
    if (gate.closed) response.status(503).json({ status: 'shutting down', function: definition.name });
    else next();
  });
  addHealthRoutes(app, { function: definition.name });
  const metrics = options.metrics ? DeferredMetrics.of(options.metrics) : deferredDefaultMetrics();
  addMetricsRoute(app, () => metrics.metrics());
  metrics.record((made) => trackQueueDepth(made, definition.name, () => gate.inFlight));
  const readBody = rawBody(options.bodyLimit);
  app.post('/', (request, response, next) => {
    if (!gate.enter()) {
      context.log.warn('event refused', { status: 503, reason: 'shutting down', eventId: headerValue(request, 'ce-id') });
      response.status(503).set('Connection', 'close').json({ error: 'shutting down: the event is not taken, send it again' });
      return;
    }
    // In flight from its first byte: a body still arriving at SIGTERM is waited for too.
    let counted = true;
    const leave = (): void => {
      if (counted) gate.leave();
      counted = false;
    };
    let handling = false;
    // A request that ends before its handler runs (body over the limit, client gone) counts out here.
    response.once('close', () => {
      if (!handling) leave();
    });
    readBody(request, response, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      handling = true;
      // Counted out when the handler is done, not when the client hangs up: its work still runs.
      handleRequest(definition, context, { ...options, metrics }, request, response)
        .catch((failure: unknown) => {
          // Never an unhandled rejection: whatever slipped through is a 500 the broker retries.
          context.log.error('request failed', { error: failure });
          if (!response.headersSent) response.status(500).json({ error: 'internal error' });
        })
        .finally(leave);
    });
  });
  if (definition.routes) app.use(definition.routes(context, publisherTo(options.sink)));
  addFallbackHandlers(app, (error, status) => {
    context.log.warn('request refused', { status, error });
  });
  return app;
}

/** How a function's plain HTTP routes publish: to the sink, or not at all when none is set. */
function publisherTo(sink: string | undefined): Publish {
  return async (event) => {
    if (!sink) throw new Error('no K_SINK is set, so this function cannot publish events: bind it to the Broker with a SinkBinding');
    await sendEvent(sink, event);
  };
}

/**
 * Starts {@link createFunctionServer} on `host:port` (port 0 picks one; host 127.0.0.1 unless
 * given).
 * @see https://knative.dev/docs/serving/services/
 */
export function startFunctionServer<S extends object>(
  definition: FunctionDefinition<S>,
  context: ServiceContext<S>,
  options: ListenOptions & FunctionServerOptions = {},
): Promise<RunningServer> {
  return listen(createFunctionServer(definition, context, options), options);
}

async function handleRequest<S extends object>(
  definition: FunctionDefinition<S>,
  context: ServiceContext<S>,
  options: Omit<FunctionServerOptions, 'metrics'> & { metrics: DeferredMetrics },
  request: Request,
  response: Response,
): Promise<void> {
  const started = Date.now();
  let event: CloudEvent<unknown> | undefined;
  let emitted: CloudEvent<unknown>[] = [];
  /** One log line and the metrics of the request; `outcome` is `ok` or why not. */
  const log = (status: number, extra: Record<string, unknown> = {}, outcome: 'ok' | FailureReason = 'ok'): void => {
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const durationMs = Date.now() - started;
    context.log[level]('event', {
      eventId: event?.id ?? headerValue(request, 'ce-id'),
      eventType: event?.type ?? headerValue(request, 'ce-type'),
      ...(event ? eventLogFields(event) : {}),
      subject: event?.subject,
      status,
      durationMs,
      ...extra,
    });
    const call = { functionName: definition.name, event, outcome, durationMs, emitted };
    options.metrics.record((metrics) => recordHandled(metrics, call));
  };

  try {
    // A sink (the dead-letter Service) takes what broke the contract too.
    event = readEvent(request.headers, bodyOf(request), { contract: !definition.sink });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    log(400, { error }, 'invalid-event');
    sendValidationError(response, error);
    return;
  }
  const accepted = event;
  options.metrics.record((metrics) => recordReceived(metrics, accepted));
  // In the cluster a sink's every event is a dead letter of the Service named by knativeerrordest.
  if (definition.sink) {
    const trigger = deadLetterTrigger(event);
    options.metrics.record((metrics) => recordDeadLetter(metrics, trigger));
  }

  try {
    const received = event;
    // One delivery: its own signal, its time limit, and errors its callbacks leave uncaught
    // fail this request (the process guard) rather than the process.
    emitted = await runDelivery((signal) => definition.handle(received, { ...context, signal }), {
      timeoutMs: options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS,
      fields: { fn: definition.name, eventId: received.id, eventType: received.type },
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      log(400, { error }, 'refused');
      sendValidationError(response, error);
    } else if (error instanceof DeliveryTimeoutError) {
      log(504, { error }, 'error');
      response.status(504).json({ error: error.message });
    } else {
      log(500, { error }, 'error');
      response.status(500).json({ error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  const broken = checkEmitted(definition, emitted);
  if (broken) {
    // A function that emits a broken event has a bug: a 500 in its logs beats a silent drop downstream.
    const returned = emitted;
    emitted = [];
    log(500, { error: broken, returned: Array.isArray(returned) ? returned.length : typeof returned }, 'bad-reply');
    response.status(500).json({ error: broken.message });
    return;
  }

  if (options.sink) {
    try {
      for (const reply of emitted) await sendEvent(options.sink, reply);
    } catch (error) {
      // Failing the request makes the broker redeliver, so no emitted event is lost.
      log(502, { error, sink: options.sink }, 'sink');
      response.status(502).json({ error: `could not deliver emitted events to the sink: ${(error as Error).message}` });
      return;
    }
    log(202, { emitted: emitted.length, sink: options.sink });
    response.status(202).end();
    return;
  }

  const [first, ...rest] = emitted;
  if (!first) {
    log(202, { emitted: 0 });
    response.status(202).end();
    return;
  }
  if (rest.length > 0) {
    context.log.warn('an HTTP reply carries one event; set K_SINK to deliver all of them', {
      eventId: event.id,
      dropped: rest.map((reply) => reply.id),
    });
  }
  const message = HTTP.binary(first);
  log(200, { emitted: emitted.length, replyId: first.id, replyType: first.type });
  response.status(200).set(message.headers as Record<string, string>);
  if (message.body === undefined || message.body === null) response.end();
  else response.send(message.body);
}

/** The error that makes the emitted events unusable, or `null` when they are all valid. */
function checkEmitted(definition: FunctionDefinition, emitted: unknown): Error | null {
  if (!Array.isArray(emitted)) return new TypeError(`function ${definition.name} returned ${typeof emitted}, not a list of events`);
  try {
    for (const reply of emitted as CloudEvent<unknown>[]) validateEvent(reply);
    return null;
  } catch (error) {
    return error as Error;
  }
}

/**
 * The label of a dead letter the Broker sent: the Knative Service in `knativeerrordest`
 * (`http://ccp-lint.ccp.svc.cluster.local` → `ccp-lint`, the name of its Trigger for every
 * function with one Trigger), `unknown` when there is none.
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
function deadLetterTrigger(event: CloudEvent<unknown>): string {
  const dest = (event as unknown as Record<string, unknown>).knativeerrordest;
  if (typeof dest !== 'string' || !URL.canParse(dest)) return 'unknown';
  const service = new URL(dest).hostname.split('.')[0] ?? '';
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service) ? service : 'unknown';
}

function headerValue(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
