import { EventTypes, ForeignEventTypes } from '../shared/events/types';
import type { FunctionContext, FunctionDefinition, Publish } from './types';

/**
 * A function of the registry: its name, the events it takes and whether it serves routes are
 * known without loading it; `load()` requires its module (handler, scanners, builders, mail…) the
 * first time it is called. `handle` and `routes` load it on their first call, so a process that
 * serves `lint` never loads the build backends or nodemailer (scale-from-zero starts faster).
 */
export interface LazyFunctionDefinition extends FunctionDefinition {
  /** The function's module, required on the first call (Node's module cache keeps it). */
  load(): FunctionDefinition;
}

interface Static {
  name: string;
  accepts: readonly string[];
  sink?: boolean;
  /** True when the definition serves plain HTTP routes (gateway webhooks, registry notifications). */
  routes?: boolean;
}

/**
 * A {@link LazyFunctionDefinition} whose module `require` returns; `pick` selects the definition
 * from it. `require` rather than `import()`: tsc (module node16, CommonJS output) keeps it a
 * synchronous CommonJS require that jest runs as is.
 * @see https://nodejs.org/docs/latest-v20.x/api/modules.html#requireid
 */
function lazy<M>(meta: Static, requireModule: () => M, pick: (module: M) => FunctionDefinition): LazyFunctionDefinition {
  let loaded: FunctionDefinition | null = null;
  const load = (): FunctionDefinition => (loaded ??= pick(requireModule()));
  return {
    name: meta.name,
    accepts: meta.accepts,
    ...(meta.sink ? { sink: true } : {}),
    load,
    handle: (event, context) => load().handle(event, context),
    ...(meta.routes
      ? {
          routes: (context: FunctionContext, publish: Publish) => {
            const routes = load().routes;
            if (!routes) throw new TypeError(`function ${meta.name} was registered with routes but has none`);
            return routes(context, publish);
          },
        }
      : {}),
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- lazy, synchronous CommonJS loads on purpose (see lazy()) */
const DEFINITIONS: readonly LazyFunctionDefinition[] = [
  lazy({ name: 'lint', accepts: [EventTypes.buildRequested] }, () => require('./lint') as typeof import('./lint'), (m) => m.lintFunction),
  lazy({ name: 'dead-letter', accepts: [], sink: true }, () => require('./dead-letter') as typeof import('./dead-letter'), (m) => m.deadLetterFunction),
  lazy(
    { name: 'notify', accepts: [EventTypes.buildCompleted, EventTypes.scanCompleted, EventTypes.noticeRequested] },
    () => require('./notify') as typeof import('./notify'),
    (m) => m.notifyFunction,
  ),
  lazy({ name: 'gateway', accepts: [ForeignEventTypes.ping], routes: true }, () => require('./gateway') as typeof import('./gateway'), (m) => m.gatewayFunction),
  lazy(
    { name: 'build', accepts: [EventTypes.lintCompleted, ForeignEventTypes.apiServerUpdate], routes: true },
    () => require('./build') as typeof import('./build'),
    (m) => m.buildFunction,
  ),
  lazy({ name: 'scan', accepts: [EventTypes.buildCompleted, EventTypes.scanRequested] }, () => require('./scan') as typeof import('./scan'), (m) => m.scanFunction),
  lazy({ name: 'track-repos', accepts: [EventTypes.tickRepoPoll] }, () => require('./track-repos') as typeof import('./track-repos'), (m) => m.trackReposFunction),
  lazy(
    {
      name: 'dispatch',
      accepts: [
        EventTypes.gitPush,
        ForeignEventTypes.githubPush,
        ForeignEventTypes.gitlabPush,
        EventTypes.indexChanged,
        EventTypes.buildCompleted,
        EventTypes.imagePushed,
        EventTypes.rpmRepoChanged,
      ],
    },
    () => require('./dispatch') as typeof import('./dispatch'),
    (m) => m.dispatchFunction,
  ),
  lazy({ name: 'weekly-scan', accepts: [EventTypes.tickWeekly] }, () => require('./weekly-scan') as typeof import('./weekly-scan'), (m) => m.weeklyScanFunction),
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Every function of the service, by name: the Knative Service `ccp-<name>` runs it. Lazy: a
 * definition's module is loaded when it is first used (functions/api.spec.ts checks that the
 * static name, `accepts`, `sink` and routes agree with the loaded definition).
 * @see https://knative.dev/docs/serving/runtime-contract/
 */
export const FUNCTIONS: ReadonlyMap<string, LazyFunctionDefinition> = new Map(DEFINITIONS.map((definition) => [definition.name, definition]));
