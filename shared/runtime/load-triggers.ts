import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { ValidationError, type Issue } from '../errors/validation-error';
import { yaml } from '../lazy/packages';
import { isPlainObject } from '../events/schema';
import { NO_RETRIES, parseDelivery } from './delivery';
import { compileAttributesFilter, compileFilters } from './filters/api';
import { positionOf } from './yaml-position';
import type { DeliverySpec, TriggerRoute } from './types';

/** Prefix of every Knative Service of the service: `ccp-<function>`. */
export const SERVICE_PREFIX = 'ccp-';

const EVENTING_API = 'eventing.knative.dev/v1';

interface ParsedTrigger extends Omit<TriggerRoute, 'delivery'> {
  /** The Trigger's own delivery, when it sets one. */
  ownDelivery?: DeliverySpec;
}

/**
 * Reads every YAML file (multi-document) under `dir`, keeps the Knative `Trigger`s and the
 * `Broker`s' delivery specs, and returns one route per Trigger with its compiled filter and
 * effective delivery (the Trigger's own, else its Broker's). Other kinds (sources, services) are
 * skipped. Throws one {@link ValidationError} listing every problem with file, line and field.
 * @see https://knative.dev/docs/eventing/triggers/
 */
export async function loadTriggers(dir = 'eventing'): Promise<TriggerRoute[]> {
  const files = await yamlFilesUnder(dir);
  const issues: Issue[] = [];
  const triggers: ParsedTrigger[] = [];
  const brokerDelivery = new Map<string, DeliverySpec>();

  for (const file of files) {
    const lineCounter = new (yaml().LineCounter)();
    const documents = yaml().parseAllDocuments(await readFile(file, 'utf8'), { lineCounter });
    if (!Array.isArray(documents)) continue; // an empty file
    for (const document of documents) {
      const documentIssues: Issue[] = [];
      for (const error of document.errors) {
        const { line, col } = error.linePos?.[0] ?? { line: undefined, col: undefined };
        documentIssues.push({ file, line, column: col, field: '', message: error.message.split('\n')[0]! });
      }
      const manifest: unknown = documentIssues.length === 0 ? document.toJS() : undefined;
      if (isPlainObject(manifest) && manifest.apiVersion === EVENTING_API && manifest.kind === 'Trigger') {
        const trigger = parseTrigger(manifest, file, documentIssues);
        if (trigger) triggers.push(trigger);
      } else if (isPlainObject(manifest) && manifest.apiVersion === EVENTING_API && manifest.kind === 'Broker') {
        const name = metadataName(manifest, file, documentIssues);
        if (isPlainObject(manifest.spec) && manifest.spec.delivery !== undefined && name) {
          brokerDelivery.set(name, parseDelivery(manifest.spec.delivery, { file, field: 'spec.delivery' }, documentIssues));
        }
      }
      issues.push(...documentIssues.map((issue) => withPosition(issue, document, lineCounter)));
    }
  }

  const seen = new Map<string, string>();
  for (const trigger of triggers) {
    const earlier = seen.get(trigger.name);
    if (earlier) issues.push({ file: trigger.file, field: 'metadata.name', message: `Trigger "${trigger.name}" is also defined in ${earlier}` });
    seen.set(trigger.name, trigger.file);
  }
  if (issues.length > 0) throw new ValidationError(`invalid eventing manifests in ${dir}`, issues);

  return triggers.map(({ ownDelivery, ...trigger }) => ({
    ...trigger,
    delivery: ownDelivery ?? brokerDelivery.get(trigger.broker) ?? NO_RETRIES,
  }));
}

function parseTrigger(manifest: Record<string, unknown>, file: string, issues: Issue[]): ParsedTrigger | null {
  const name = metadataName(manifest, file, issues);
  const spec = manifest.spec;
  if (!isPlainObject(spec)) {
    issues.push({ file, field: 'spec', message: 'is required' });
    return null;
  }
  if (typeof spec.broker !== 'string' || spec.broker === '') issues.push({ file, field: 'spec.broker', message: 'must name the Broker' });

  // As in Knative, `filters` wins over `filter` when both are set.
  const filterSpec = spec.filters !== undefined ? { filters: spec.filters } : (spec.filter ?? {});
  const matches =
    spec.filters !== undefined
      ? compileFilters(spec.filters, file, 'spec.filters', issues)
      : isPlainObject(spec.filter) || spec.filter === undefined
        ? compileAttributesFilter(isPlainObject(spec.filter) ? spec.filter.attributes : undefined, file, 'spec.filter.attributes', issues)
        : (issues.push({ file, field: 'spec.filter', message: 'must be a mapping with attributes' }), () => false);

  const service = subscriberService(spec.subscriber, file, issues);
  const ownDelivery = spec.delivery === undefined ? undefined : parseDelivery(spec.delivery, { file, field: 'spec.delivery' }, issues);
  if (!name || !service || typeof spec.broker !== 'string') return null;
  return {
    name,
    broker: spec.broker,
    file,
    filterSpec,
    matches,
    subscriber: { service, functionName: service.slice(SERVICE_PREFIX.length) },
    ownDelivery,
  };
}

/** The embedded runtime maps a subscriber to a function by the Knative Service's name. */
function subscriberService(subscriber: unknown, file: string, issues: Issue[]): string | null {
  const ref = isPlainObject(subscriber) ? subscriber.ref : undefined;
  if (!isPlainObject(ref)) {
    issues.push({ file, field: 'spec.subscriber.ref', message: 'must reference the Knative Service of a function (a uri cannot be run in-process)' });
    return null;
  }
  if (ref.kind !== 'Service' || ref.apiVersion !== 'serving.knative.dev/v1') {
    issues.push({ file, field: 'spec.subscriber.ref.kind', message: 'must be a serving.knative.dev/v1 Service' });
  }
  if (typeof ref.name !== 'string' || !ref.name.startsWith(SERVICE_PREFIX) || ref.name.length === SERVICE_PREFIX.length) {
    issues.push({ file, field: 'spec.subscriber.ref.name', message: `must be "${SERVICE_PREFIX}<function>"` });
    return null;
  }
  return ref.name;
}

function metadataName(manifest: Record<string, unknown>, file: string, issues: Issue[]): string | null {
  const name = isPlainObject(manifest.metadata) ? manifest.metadata.name : undefined;
  if (typeof name === 'string' && name !== '') return name;
  issues.push({ file, field: 'metadata.name', message: 'is required' });
  return null;
}

function withPosition(issue: Issue, document: Document, lineCounter: LineCounter): Issue {
  if (issue.line !== undefined || issue.field === '') return issue;
  const position = positionOf(document, lineCounter, issue.field);
  return position ? { ...issue, line: position.line, column: position.column } : issue;
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    throw new ValidationError('cannot read the eventing manifests', [{ file: dir, field: '', message: (error as Error).message }]);
  }
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}
