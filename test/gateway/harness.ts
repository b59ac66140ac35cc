import express from 'express';
import type { CloudEvent } from 'cloudevents';
import { webhookRoutes } from '../../functions/gateway';
import type { Publish } from '../../shared/function/types';
import { listen, type RunningServer } from '../../shared/host/listen';
import { createLogger } from '../../shared/log/logger';
import { fixtureBody } from '../../shared/webhooks/__fixtures__';
import type { ObjectStore } from '../../shared/store/types';
import { signBody } from '../../shared/webhooks/signature';
import type { WebhookSettings } from '../../shared/webhooks/types';
import { DEFAULT_TIMESTAMP_TOLERANCE } from '../../shared/webhooks/settings';

export const GLOBAL_SECRET = 'global-webhook-secret-5f1c';

/** Settings with a global secret and the given per-repository ones (keys already normalised). */
export function settings(secrets: Record<string, string> = {}, extra: Partial<WebhookSettings> = {}): WebhookSettings {
  return {
    secret: GLOBAL_SECRET,
    secrets: new Map(Object.entries(secrets)),
    bodyLimit: 1024 * 1024,
    timestampTolerance: DEFAULT_TIMESTAMP_TOLERANCE,
    ...extra,
  };
}

export interface Gateway {
  url: string;
  /** Every event handed to `publish`, in order. */
  published: CloudEvent<unknown>[];
  /** Every JSON log line, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Every raw log line, to search for what must never be there. */
  rawLogs: string[];
  close(): Promise<void>;
}

/**
 * The webhook routes at `/webhooks` of a real server on 127.0.0.1, publishing to a list (or
 * `publish`); with `store`, remembering the deliveries published as the gateway function does.
 */
export async function startGateway(webhookSettings: WebhookSettings, publish?: Publish, store?: ObjectStore): Promise<Gateway> {
  const published: CloudEvent<unknown>[] = [];
  const rawLogs: string[] = [];
  const log = createLogger({ level: 'debug', write: (line) => rawLogs.push(line) });
  const app = express();
  app.use(
    '/webhooks',
    webhookRoutes({
      settings: webhookSettings,
      log,
      ...(store ? { store } : {}),
      publish:
        publish ??
        (async (event) => {
          published.push(event);
        }),
    }),
  );
  const server: RunningServer = await listen(app, { port: 0 });
  return {
    url: server.url,
    published,
    rawLogs,
    get logs() {
      return rawLogs.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    close: () => server.close(),
  };
}

export interface Sent {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `body` to `url` with `headers`; the JSON answer (or `{}`). */
export async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<Sent> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** The headers of a GitHub delivery of `body`, signed with `secret`. */
export function githubHeaders(
  body: Buffer | string,
  secret: string,
  event = 'push',
  delivery = '72d3162e-cc78-11e3-81ab-4c9367dc0958',
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/044aadd',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': signBody(body, secret),
  };
}

/** The headers of a GitLab `Push Hook` delivery with `token`. */
export function gitlabHeaders(token: string, event = 'Push Hook', uuid = '3b1e2a7c-59f4-4a44-8d7c-0c6b1d3e9f10'): Record<string, string> {
  return { 'content-type': 'application/json', 'x-gitlab-event': event, 'x-gitlab-token': token, 'x-gitlab-event-uuid': uuid };
}

/** The headers of a generic push of `body`, signed with `secret`. */
export function genericHeaders(body: Buffer | string, secret: string, delivery?: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-ccp-signature-256': signBody(body, secret), ...(delivery ? { 'x-ccp-delivery': delivery } : {}) };
}

/** A GitHub push body: the fixture, reshaped by `change`. */
export function githubPush(change: (payload: Record<string, unknown>) => void = () => undefined): Buffer {
  const payload = JSON.parse(fixtureBody('github-push').toString('utf8')) as Record<string, unknown>;
  change(payload);
  return Buffer.from(JSON.stringify(payload, null, 2));
}

/** `headers` without `name`. */
export function without(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
}
