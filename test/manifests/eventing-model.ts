import { isPlainObject } from '../../shared/events/schema';
import type { ManifestDocument } from './read-manifests';

/** A Trigger as its manifest says, read without the runtime's loader so the two can be compared. */
export interface TriggerManifest {
  name: string;
  broker: string;
  /** `spec.subscriber.ref.name` when the subscriber is a Knative Service, else `null`. */
  service: string | null;
  /** The types its filter takes; `null` when it takes every type or a filter the check cannot read. */
  types: string[] | null;
  where: string;
}

export interface EventingManifests {
  brokers: string[];
  triggers: TriggerManifest[];
  /** Knative Services named as a `deadLetterSink` by a Broker or Trigger. */
  deadLetterServices: Set<string>;
  /** `eventing/terminal-types.yaml`: type → why no Trigger takes it. */
  terminalTypes: Map<string, string>;
}

export const TERMINAL_TYPES_CONFIGMAP = 'ccp-terminal-event-types';
const SERVING_API = 'serving.knative.dev/v1';

/**
 * Brokers, Triggers, dead-letter sinks and the terminal types of the eventing manifests.
 * @see https://knative.dev/docs/eventing/triggers/
 */
export function readEventing(documents: readonly ManifestDocument[]): EventingManifests {
  const eventing: EventingManifests = { brokers: [], triggers: [], deadLetterServices: new Set(), terminalTypes: new Map() };
  for (const { object, where } of documents) {
    if (!object) continue;
    const name = isPlainObject(object.metadata) ? String(object.metadata.name) : '';
    const spec = isPlainObject(object.spec) ? object.spec : {};
    const sink = deadLetterService(spec.delivery);
    if (sink) eventing.deadLetterServices.add(sink);
    if (object.kind === 'Broker') eventing.brokers.push(name);
    if (object.kind === 'Trigger') {
      const ref = isPlainObject(spec.subscriber) && isPlainObject(spec.subscriber.ref) ? spec.subscriber.ref : null;
      eventing.triggers.push({
        name,
        broker: String(spec.broker),
        service: ref && ref.apiVersion === SERVING_API && ref.kind === 'Service' ? String(ref.name) : null,
        types: typesOfFilter(spec),
        where,
      });
    }
    if (object.kind === 'ConfigMap' && name === TERMINAL_TYPES_CONFIGMAP && isPlainObject(object.data)) {
      for (const [type, reason] of Object.entries(object.data)) eventing.terminalTypes.set(type, String(reason));
    }
  }
  return eventing;
}

/**
 * The event types a Trigger spec takes, from `spec.filters` (SubscriptionsAPI: `exact` on
 * `type`, `any`/`all` of those) or else `spec.filter.attributes.type`. `null` when the filter
 * does not restrict the type, or restricts it in a way this check cannot enumerate (prefix,
 * suffix, not, cesql).
 * @see https://knative.dev/docs/eventing/triggers/#trigger-filtering
 */
export function typesOfFilter(spec: Record<string, unknown>): string[] | null {
  if (Array.isArray(spec.filters) && spec.filters.length > 0) {
    const types = typesOfAll(spec.filters);
    return Array.isArray(types) ? types : null;
  }
  const attributes = isPlainObject(spec.filter) && isPlainObject(spec.filter.attributes) ? spec.filter.attributes : {};
  return typeof attributes.type === 'string' && attributes.type !== '' ? [attributes.type] : null;
}

/** Every expression must hold: the types are those all the type-restricting ones allow. */
function typesOfAll(expressions: unknown[]): string[] | 'any' | 'unreadable' {
  let types: string[] | 'any' = 'any';
  for (const expression of expressions) {
    const allowed = typesOfExpression(expression);
    if (allowed === 'unreadable') return allowed;
    if (allowed === 'any') continue;
    types = types === 'any' ? allowed : types.filter((type) => allowed.includes(type));
  }
  return types;
}

function typesOfExpression(expression: unknown): string[] | 'any' | 'unreadable' {
  if (!isPlainObject(expression)) return 'unreadable';
  if (isPlainObject(expression.exact)) return typeof expression.exact.type === 'string' ? [expression.exact.type] : 'any';
  for (const dialect of ['prefix', 'suffix'] as const) {
    const value = expression[dialect];
    if (isPlainObject(value)) return 'type' in value ? 'unreadable' : 'any';
  }
  if (Array.isArray(expression.all)) return typesOfAll(expression.all);
  if (Array.isArray(expression.any)) {
    const union = new Set<string>();
    for (const alternative of expression.any) {
      const allowed = typesOfExpression(alternative);
      if (allowed === 'unreadable' || allowed === 'any') return allowed;
      allowed.forEach((type) => union.add(type));
    }
    return [...union];
  }
  return 'unreadable'; // not, cesql, or something unknown
}

function deadLetterService(delivery: unknown): string | null {
  if (!isPlainObject(delivery) || !isPlainObject(delivery.deadLetterSink)) return null;
  const ref = delivery.deadLetterSink.ref;
  return isPlainObject(ref) && ref.apiVersion === SERVING_API && ref.kind === 'Service' && typeof ref.name === 'string' ? ref.name : null;
}
