import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import { dashboardRoutes } from '../functions/dashboard';
import { webhookRoutes } from '../functions/gateway';
import { createBrokerIngress } from '../shared/host/broker-ingress';
import { listen, type RunningServer } from '../shared/host/listen';
import { reportRoutes, reportUrl } from '../shared/host/report-routes';
import { signatureRoutes } from '../shared/host/signature-routes';
import { addFallbackHandlers, hardenResponses } from '../shared/host/http-common';
import { INGRESS_TOKEN_FILE, ingressTokenFor } from '../shared/host/ingress-token';
import { createLogger, type Logger } from '../shared/log/logger';
import { registryNotificationRoutes } from '../shared/registry/notifications';
import type { EmbeddedRuntime, ServedRuntime } from './runtime';
import type { CliIo } from './types';
import { CORE, readEnv } from '../shared/config/settings';

/**
 * The embedded runtime's HTTP door: events in on `POST /` (what `kn event send` or a webhook
 * source posts), git webhooks on `POST /webhooks/{github,gitlab,generic}` (turned into
 * `git.push` by the gateway), the registry's push notifications on `POST /registry/notifications`
 * (turned into `image.pushed`), stored reports out on `GET /reports/…`, the dashboard's pages on
 * `GET /`, `/projects/…` and `/cascades/…` (functions/dashboard). Every refusal and every
 * error, whichever route it comes from, is JSON `{error}` (see `addFallbackHandlers`).
 * `POST /` takes an event only with the ingress token as Bearer token (`options.ingressToken`, by
 * default `CCP_INGRESS_TOKEN` or the data dir's `ingress-token`): untrusted code on this host (a
 * prebuild, a RUN step) reaches 127.0.0.1 too, and must not forge events past the webhooks' signatures.
 * @see ../shared/host/ingress-token.ts
 */
export async function serveRuntime(
  runtime: Pick<EmbeddedRuntime, 'broker' | 'context'> & Partial<Pick<EmbeddedRuntime, 'registry'>>,
  options: { port: number; log: Logger; ingressToken?: string },
): Promise<RunningServer> {
  const ingressToken = options.ingressToken ?? (await ingressTokenFor(runtime.context.config)).token;
  const app = express();
  hardenResponses(app);
  app.use(reportRoutes(runtime.context.store, { log: options.log }));
  // The lookaside of image signatures (registries.d `lookaside: http://127.0.0.1:<port>/sigstore`).
  app.use(signatureRoutes(runtime.context.store));
  const settings = runtime.context.config.webhooks;
  app.use('/webhooks', webhookRoutes({ publish: (event) => runtime.broker.publish(event), store: runtime.context.store, settings, log: options.log }));
  // The registry ccp started sends its own random token; one configured elsewhere, CCP_REGISTRY_NOTIFY_TOKEN.
  const tokens = [runtime.registry?.notifyToken, runtime.context.config.registryNotifyToken];
  app.use('/registry', registryNotificationRoutes({ publish: (event) => runtime.broker.publish(event), log: options.log, tokens }));
  // The dashboard's pages on GET / and below; POST / stays the broker ingress.
  app.use(
    dashboardRoutes({
      store: runtime.context.store,
      listProjects: async () => (await runtime.context.listProjects?.()) ?? [],
      log: options.log,
      publish: (event) => runtime.broker.publish(event),
      ...(runtime.context.config.dashboardAdminToken ? { adminToken: runtime.context.config.dashboardAdminToken } : {}),
    }),
  );
  app.use(createBrokerIngress(runtime.broker, { logger: options.log, token: ingressToken }));
  // Errors of the routes above (the ingress answers its own) reach this, never Express's HTML page.
  addFallbackHandlers(app, (error, status) => options.log[status >= 500 ? 'error' : 'warn']('request refused', { status, error }));
  return listen(app, { port: options.port, host: '127.0.0.1' });
}

/** Serves until SIGINT or SIGTERM, telling the terminal where, then stops the runtime (and the registry it started). */
export async function serveUntilStopped(served: ServedRuntime, io: CliIo): Promise<void> {
  const { server, runtime } = served;
  // The registry ccp started asks for its login: say where it is kept, never what it is.
  const login = runtime.registry?.login ? ` (login in ${path.join(runtime.context.config.dataDir, 'registry', 'login.json')})` : '';
  const registry = runtime.registry ? `; images in ${runtime.registry.url}/v2/_catalog${login}` : '';
  // Where the token is, never the token: the terminal may be recorded or shared.
  const token = runtime.context.config.ingressToken ? '$CCP_INGRESS_TOKEN' : `$(cat ${path.join(runtime.context.config.dataDir, INGRESS_TOKEN_FILE)})`;
  io.stderr(
    `ccp: serving on ${server.url}: POST CloudEvents to ${server.url}/ with "Authorization: Bearer ${token}", the dashboard on ${server.url}/, reports under ${reportUrl(server.url, 'reports/')}${registry}\n`,
  );
  io.stderr('ccp: press Ctrl-C to stop\n');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void served.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The run's JSON log goes to a file so that the terminal shows progress, not log lines. */
export async function runLog(dataDir: string, env: NodeJS.ProcessEnv): Promise<Logger> {
  await mkdir(path.dirname(logFile(dataDir)), { recursive: true });
  const stream = createWriteStream(logFile(dataDir), { flags: 'a' });
  // The run log keeps info at least: it is what `ccp serve` points people to.
  const level = readEnv(CORE.logLevel, env) === 'debug' ? 'debug' : 'info';
  return createLogger({ level, write: (line) => stream.write(`${line}\n`) });
}

export function logFile(dataDir: string): string {
  return path.join(dataDir, 'logs', 'ccp.log');
}
