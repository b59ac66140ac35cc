import express from 'express';
import type { FunctionDefinition } from '../../shared/function/types';
import { FUNCTION_NAME, handle } from './handle';
import { webhookRoutes } from './routes';
import { GATEWAY_MANIFEST } from './manifest';

/**
 * The door from outside: GitHub, GitLab and generic push webhooks on `/webhooks/<provider>`
 * become `git.push` events (published to `K_SINK`, the Broker), and the PingSources' pings that
 * its Trigger delivers become `tick.weekly` / `tick.repo-poll` (its CloudEvent handler).
 */
export const gatewayFunction: FunctionDefinition = {
  name: FUNCTION_NAME,
  accepts: GATEWAY_MANIFEST.accepts,
  handle,
  routes: (context, publish) =>
    express.Router().use('/webhooks', webhookRoutes({ publish, store: context.store, settings: context.config.webhooks, log: context.log })),
};

export { webhookRoutes, type WebhookRouteOptions } from './routes';
export { receiveWebhook, webhookSource, type WebhookReply } from './receive';
export { TICKS, type TickName } from './handle';
