import { LINT_MANIFEST } from './lint/manifest';
import { DEAD_LETTER_MANIFEST } from './dead-letter/manifest';
import { NOTIFY_MANIFEST } from './notify/manifest';
import { GATEWAY_MANIFEST } from './gateway/manifest';
import { BUILD_MANIFEST } from './build/manifest';
import { SCAN_MANIFEST } from './scan/manifest';
import { TRACK_REPOS_MANIFEST } from './track-repos/manifest';
import { DISPATCH_MANIFEST } from './dispatch/manifest';
import { WEEKLY_SCAN_MANIFEST } from './weekly-scan/manifest';
import { DASHBOARD_MANIFEST } from './dashboard/manifest';
import type { FunctionContext, FunctionDefinition, FunctionManifest, Publish } from '../shared/function/types';

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

/**
 * A {@link LazyFunctionDefinition} whose module `require` returns; `pick` selects the definition
 * from it. `require` rather than `import()`: tsc (module node16, CommonJS output) keeps it a
 * synchronous CommonJS require that jest runs as is.
 * @see https://nodejs.org/docs/latest-v20.x/api/modules.html#requireid
 */
function lazy<M>(meta: FunctionManifest, requireModule: () => M, pick: (module: M) => FunctionDefinition): LazyFunctionDefinition {
  let loaded: FunctionDefinition | null = null;
  const load = (): FunctionDefinition => (loaded ??= pick(requireModule()));
  return {
    name: meta.name,
    accepts: meta.accepts,
    ...(meta.sink ? { sink: true } : {}),
    load,
    handle: (event, context) => load().handle(event, context),
    // Building the function's context loads it: its services are its module's to make.
    services: (base) => load().services?.(base) ?? {},
    disposeServices: (services) => load().disposeServices?.(services) ?? Promise.resolve(),
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
  lazy(
    LINT_MANIFEST,
    () => require('./lint') as typeof import('./lint'),
    (m) => m.lintFunction,
  ),
  lazy(
    DEAD_LETTER_MANIFEST,
    () => require('./dead-letter') as typeof import('./dead-letter'),
    (m) => m.deadLetterFunction,
  ),
  lazy(
    NOTIFY_MANIFEST,
    () => require('./notify') as typeof import('./notify'),
    (m) => m.notifyFunction,
  ),
  lazy(
    GATEWAY_MANIFEST,
    () => require('./gateway') as typeof import('./gateway'),
    (m) => m.gatewayFunction,
  ),
  lazy(
    BUILD_MANIFEST,
    () => require('./build') as typeof import('./build'),
    (m) => m.buildFunction,
  ),
  lazy(
    SCAN_MANIFEST,
    () => require('./scan') as typeof import('./scan'),
    (m) => m.scanFunction,
  ),
  lazy(
    TRACK_REPOS_MANIFEST,
    () => require('./track-repos') as typeof import('./track-repos'),
    (m) => m.trackReposFunction,
  ),
  lazy(
    DISPATCH_MANIFEST,
    () => require('./dispatch') as typeof import('./dispatch'),
    (m) => m.dispatchFunction,
  ),
  lazy(
    WEEKLY_SCAN_MANIFEST,
    () => require('./weekly-scan') as typeof import('./weekly-scan'),
    (m) => m.weeklyScanFunction,
  ),
  lazy(
    DASHBOARD_MANIFEST,
    () => require('./dashboard') as typeof import('./dashboard'),
    (m) => m.dashboardFunction,
  ),
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Every function of the service, by name: the Knative Service `ccp-<name>` runs it. Lazy: a
 * definition's module is loaded when it is first used (functions/api.spec.ts checks that the
 * static name, `accepts`, `sink` and routes agree with the loaded definition).
 * @see https://knative.dev/docs/serving/runtime-contract/
 */
export const FUNCTIONS: ReadonlyMap<string, LazyFunctionDefinition> = new Map(DEFINITIONS.map((definition) => [definition.name, definition]));
