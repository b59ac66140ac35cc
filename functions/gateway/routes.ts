import express, { type ErrorRequestHandler, type Router } from 'express';
import { bodyOf, errorAnswer } from '../../shared/host/http-common';
import type { Logger } from '../../shared/log/logger';
import type { ObjectStore } from '../../shared/store/types';
import { WEBHOOK_PROVIDERS } from '../../shared/webhooks/providers/api';
import type { WebhookProvider, WebhookProviderName, WebhookSettings } from '../../shared/webhooks/types';
import type { Publish } from '../../shared/function/types';
import { DeliveryMarkers } from './delivery-markers';
import { receiveWebhook, type WebhookReply } from './receive';

export interface WebhookRouteOptions {
  /** Hands each `git.push` to the Broker: `broker.publish` embedded, `K_SINK` in the cluster. */
  publish: Publish;
  settings: WebhookSettings;
  log: Logger;
  /**
   * Where the deliveries published are remembered, so a sender's retry of one (same delivery
   * id) publishes nothing, also after a restart; without it every delivery is published.
   */
  store?: ObjectStore;
  /** The senders served, `POST /<name>` each; every registered provider by default. */
  providers?: ReadonlyMap<WebhookProviderName, WebhookProvider>;
}

/**
 * The webhook gateway's routes, to mount at `/webhooks`: `POST /github`, `POST /gitlab`,
 * `POST /generic`. Each reads the raw body (up to `settings.bodyLimit`, else 413), checks its
 * signature or token against the repository's secret (401), and publishes one
 * `org.centos.ccp.git.push` per branch push (202); pings answer 200, other events 202 ignored,
 * malformed bodies 400. One JSON log line per delivery, never with a secret or signature.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events
 */
export function webhookRoutes(options: WebhookRouteOptions): Router {
  const log = options.log.child({ fn: 'gateway' });
  const providers = options.providers ?? WEBHOOK_PROVIDERS;
  const router = express.Router();
  const markers = options.store ? new DeliveryMarkers(options.store) : undefined;
  const rawBody = express.raw({ type: () => true, limit: options.settings.bodyLimit });
  for (const provider of providers.values()) {
    router.post(`/${provider.name}`, rawBody, (request, response) => {
      void receiveWebhook(provider, { headers: request.headers, body: bodyOf(request) }, options.settings, options.publish, Date.now, markers)
        .then((reply) => {
          logReply(log, provider.name, reply);
          response.status(reply.status).json(reply.body);
        })
        .catch((error: unknown) => {
          log.error('webhook', { provider: provider.name, outcome: 'failed', status: 500, error });
          if (!response.headersSent) response.status(500).json({ error: 'internal error' });
        });
    });
  }
  router.use((request, response) => {
    response.status(404).json({
      error: `no webhook endpoint ${request.method} ${request.baseUrl}${request.path}: POST to one of ${[...providers.keys()].map((name) => `/webhooks/${name}`).join(', ')}`,
    });
  });
  const bodyErrors: ErrorRequestHandler = (error: unknown, request, response, _next) => {
    // Never a stack or a library's words: errorAnswer keeps only client-safe texts.
    const answer = errorAnswer(error);
    const status = answer.status;
    const message = status === 413 ? `the body is larger than the webhook limit of ${options.settings.bodyLimit} bytes` : answer.body.error;
    log[status >= 500 ? 'error' : 'warn']('webhook', {
      provider: request.path.slice(1),
      outcome: status === 413 ? 'too-large' : 'refused',
      status,
      reason: message,
    });
    response.status(status).json({ error: message });
  };
  router.use(bodyErrors);
  return router;
}

function logReply(log: Logger, provider: string, reply: WebhookReply): void {
  const level = reply.status >= 500 ? 'error' : reply.status >= 400 ? 'warn' : 'info';
  log[level]('webhook', {
    provider,
    delivery: reply.delivery,
    repo: reply.repo,
    branch: reply.branch,
    outcome: reply.outcome,
    status: reply.status,
    ...(reply.reason ? { reason: reply.reason } : {}),
  });
}
