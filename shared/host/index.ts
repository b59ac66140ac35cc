export { createFunctionServer, startFunctionServer, type FunctionServerOptions } from './function-server';
export { createBrokerIngress, type BrokerIngressOptions } from './broker-ingress';
export { serveFunctionFromEnv, type ServeFromEnvOptions, type ServingFromEnv } from './serve-from-env';
export { listen, type RunningServer, type ListenOptions } from './listen';
export { readEvent } from './read-event';
export { sendEvent } from './send-event';
export { DEFAULT_BODY_LIMIT } from './http-common';
export { reportRoutes, reportUrl } from './report-routes';
