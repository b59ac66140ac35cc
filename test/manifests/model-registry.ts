import { createRequire } from 'node:module';
import { crdProblems } from './crd-schemas';

/** A generated model of kubernetes-models: built from a manifest, `validate()` throws with the failing path. */
export interface ManifestModel {
  new (data: unknown): { validate(): void };
  readonly apiVersion: string;
  readonly kind: string;
}

const load = createRequire(__filename);
const API_VERSION = /^([a-z0-9-]+(\.[a-z0-9-]+)+\/|[a-z0-9-]+\/)?v\d+((alpha|beta)\d+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * The schema model of `apiVersion`/`kind`: Knative's from `@kubernetes-models/knative`,
 * Kubernetes' own from `kubernetes-models`; `null` when neither package has one. Loads only the
 * one module it needs (the whole packages take about a second).
 * @see https://github.com/tommy351/kubernetes-models-ts
 */
export function modelFor(apiVersion: unknown, kind: unknown): ManifestModel | null {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !API_VERSION.test(apiVersion) || !KIND.test(kind)) return null;
  const pkg = /\.knative\.dev\//.test(apiVersion) ? '@kubernetes-models/knative' : 'kubernetes-models';
  let exported: Record<string, unknown>;
  try {
    exported = load(`${pkg}/${apiVersion}/${kind}`) as Record<string, unknown>;
  } catch {
    return null;
  }
  const model: unknown = exported[kind];
  if (typeof model !== 'function') return null;
  const statics = model as unknown as { apiVersion?: unknown; kind?: unknown };
  return statics.apiVersion === apiVersion && statics.kind === kind ? (model as ManifestModel) : null;
}

/**
 * The problems of one manifest object against its schema: none, or one message naming the
 * kind and the failing path (or saying there is no schema for the kind).
 */
export function schemaProblems(object: Record<string, unknown>): string[] {
  const model = modelFor(object.apiVersion, object.kind);
  // Sources installed from knative-extensions have no generated model: crd-schemas.ts has theirs.
  if (!model) return crdProblems(object) ?? [`no schema for apiVersion "${String(object.apiVersion)}" kind "${String(object.kind)}"`];
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    return [`${object.kind as string}: ${(error as Error).message}`];
  }
}
