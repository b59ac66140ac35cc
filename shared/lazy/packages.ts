import type * as Dagre from '@dagrejs/dagre' with { 'resolution-mode': 'import' };

/**
 * `load` called on the first call of the function returned, its result kept: a package required
 * when it is first used rather than when the module that uses it is loaded. A function's cold
 * start (readiness of a fresh process, see bench/cold-start.ts) then pays only for what serving
 * needs; parsers and clients load with the first event that uses them.
 * @see https://nodejs.org/docs/latest-v20.x/api/modules.html#requireid
 */
export function lazyPackage<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see lazyPackage */
/** The yaml package (~70 modules): the index, Trigger and lint config parsers. */
export const yaml = lazyPackage(() => require('yaml') as typeof import('yaml'));
/** dockerfile-ast (~35 modules): Dockerfile parsing for lint, build and the index graph. */
export const dockerfileAst = lazyPackage(() => require('dockerfile-ast') as typeof import('dockerfile-ast'));
/** dagre (graph layout, ~1 MB): the dashboard's dependency graph; its CommonJS build, typed by its ESM types. */
export const dagre = lazyPackage(() => require('@dagrejs/dagre') as typeof Dagre);
/** yauzl: the OSV database's zip exports (scan's vulnerabilities scanner, track-repos' advisory refresh). */
export const yauzl = lazyPackage(() => require('yauzl') as typeof import('yauzl'));
/** ae-cvss-calculator: CVSS base scores of OSV advisories. */
export const cvssCalculator = lazyPackage(() => require('ae-cvss-calculator') as typeof import('ae-cvss-calculator'));
/* eslint-enable @typescript-eslint/no-require-imports */
