import { withServices } from '../function/services';
import type { FunctionContext, FunctionDefinition } from '../function/types';
import { ValidationError } from '../errors/validation-error';
import express, { type Application, type RequestHandler } from 'express';
import { createFunctionServer, startFunctionServer } from './function-server';
import { listen, type RunningServer } from './listen';
import type { DeliveryGate } from './drain';
import { senderAuth, senderAuthFromEnv } from './sender-auth';

export interface ServeFromEnvOptions {
  /** Every function the image carries; `FUNCTION` picks one by name. */
  functions: readonly FunctionDefinition[];
  /** Builds the base context of the chosen function (configuration, store, logger, index); its services are added to it. */
  createContext(definition: FunctionDefinition): FunctionContext | Promise<FunctionContext>;
  env?: NodeJS.ProcessEnv;
  /** Deliveries in flight and whether new ones are taken (closed on SIGTERM by functions/main.ts). */
  gate?: DeliveryGate;
}

/** The server {@link serveFunctionFromEnv} started, with the function it serves. */
export type ServingFromEnv = RunningServer & {
  definition: FunctionDefinition;
  /** Releases the function's services (after the server has drained: nothing uses them any more). */
  disposeServices(): Promise<void>;
};

/**
 * The container entry: serves the function named by `FUNCTION` on `PORT` (8080 by default) on
 * all interfaces (`HOST` to change it), sending emitted events to `K_SINK` when Knative set one.
 * With `CCP_SENDER_AUTH=oidc` a CloudEvent posted to `POST /` must carry the Broker's OIDC token
 * (see `sender-auth.ts`); the other routes (health, metrics, webhooks) are unchanged.
 * Throws a {@link ValidationError} naming the variable when one is missing or wrong.
 * @see https://knative.dev/docs/serving/runtime-contract/
 */
export async function serveFunctionFromEnv(options: ServeFromEnvOptions): Promise<ServingFromEnv> {
  const env = options.env ?? process.env;
  const names = options.functions.map((definition) => definition.name);
  const name = env.FUNCTION;
  if (!name) throw new ValidationError('no function selected', [{ field: 'FUNCTION', message: `must name one of ${names.join(', ')}` }]);
  const definition = options.functions.find((candidate) => candidate.name === name);
  if (!definition) {
    throw new ValidationError('unknown function', [{ field: 'FUNCTION', message: `"${name}" is not one of ${names.join(', ')}` }]);
  }
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ValidationError('invalid port', [{ field: 'PORT', message: `"${env.PORT}" is not a port number` }]);
  }
  const sink = env.K_SINK || undefined;
  if (sink !== undefined && !URL.canParse(sink)) {
    throw new ValidationError('invalid sink', [{ field: 'K_SINK', message: `"${sink}" is not a URL` }]);
  }
  const auth = senderAuthFromEnv(env, definition.name);
  // The function's services are made once, here, for the life of the process.
  const { context, dispose } = withServices(definition, await options.createContext(definition));
  const server = auth
    ? await listen(withSenderAuth(createFunctionServer(definition, context, { sink, gate: options.gate }), senderAuth(auth, context.log)), {
        port,
        host: env.HOST || '0.0.0.0',
      })
    : await startFunctionServer(definition, context, { port, host: env.HOST || '0.0.0.0', sink, gate: options.gate });
  context.log.info('function serving', {
    url: server.url,
    sink,
    senderAuth: auth ? { audience: auth.expectations.audience, issuer: auth.expectations.issuer } : 'off',
  });
  return { ...server, definition, disposeServices: dispose };
}

/** `app` behind an outer app that checks the sender of `POST /` first (the function server's own routes stay as they are). */
function withSenderAuth(app: Application, check: RequestHandler): Application {
  const outer = express();
  outer.disable('x-powered-by');
  outer.post('/', check);
  outer.use(app);
  return outer;
}
