import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { CloudEvent } from 'cloudevents';
import { parse as parseYaml } from 'yaml';
import { FUNCTIONS } from '../../functions/api';
import { testContext } from '../support/test-functions';
import { packageRoot } from '../../shared/config/package-root';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import { KNOWN_TYPES } from '../../shared/events/validate';
import { InProcessBroker } from '../../shared/runtime/in-process-broker';
import { loadTriggers, SERVICE_PREFIX } from '../../shared/runtime/load-triggers';
import { FsObjectStore } from '../../shared/store/fs-store';
import { readEventing, TERMINAL_TYPES_CONFIGMAP } from './eventing-model';
import { readManifestDocuments } from './read-manifests';

const ROOT = packageRoot();
const eventing = readEventing(readManifestDocuments(ROOT, ['eventing']));
const functions = [...FUNCTIONS.values()];
const subscribers = functions.filter((definition) => !definition.sink);
const sinks = functions.filter((definition) => definition.sink);
const consumedTypes = new Set(eventing.triggers.flatMap((trigger) => trigger.types ?? []));

/** Read as in the manifests: the functions each Trigger delivers to, with the types it takes. */
function triggersOf(name: string): typeof eventing.triggers {
  return eventing.triggers.filter((trigger) => trigger.service === `${SERVICE_PREFIX}${name}`);
}

describe('eventing/ routes every event to the functions of functions/api.ts', () => {
  it('has one Broker, and every Trigger uses it', () => {
    expect(eventing.brokers).toEqual(['ccp']);
    expect(eventing.triggers.filter((trigger) => trigger.broker !== 'ccp').map((trigger) => trigger.where)).toEqual([]);
  });

  it('every Trigger delivers to the Service ccp-<name> of a registered function that is not a sink', () => {
    const wrong = eventing.triggers
      .filter((trigger) => {
        const name = trigger.service?.startsWith(SERVICE_PREFIX) ? trigger.service.slice(SERVICE_PREFIX.length) : null;
        return !name || !FUNCTIONS.has(name) || FUNCTIONS.get(name)!.sink;
      })
      .map((trigger) => `${trigger.where} ${trigger.name} → ${trigger.service}`);
    expect(wrong).toEqual([]);
  });

  it('every Trigger filters on the event type', () => {
    expect(eventing.triggers.filter((trigger) => !trigger.types?.length).map((trigger) => trigger.where)).toEqual([]);
  });

  it.each(subscribers.map((definition) => [definition.name, definition] as const))('%s: its Triggers take exactly the types it accepts', (name, definition) => {
    const taken = triggersOf(name).flatMap((trigger) => trigger.types ?? []);
    expect({ name, taken: [...new Set(taken)].sort() }).toEqual({ name, taken: [...definition.accepts].sort() });
  });

  it.each(sinks.map((definition) => [definition.name] as const))('%s: a dead-letter sink of the Broker, which no Trigger routes to', (name) => {
    expect(triggersOf(name)).toEqual([]);
    expect(eventing.deadLetterServices.has(`${SERVICE_PREFIX}${name}`)).toBe(true);
  });

  it('every dead-letter sink named in eventing/ is a registered sink function', () => {
    const unknown = [...eventing.deadLetterServices].filter((service) => !FUNCTIONS.get(service.slice(SERVICE_PREFIX.length))?.sink);
    expect(unknown).toEqual([]);
  });

  /** A probe event of `type`; ApiServerSource events carry the watched object's kind (a build Job). */
  function probe(type: string, extensions: Record<string, string> = type === ForeignEventTypes.apiServerUpdate ? { kind: 'Job' } : {}): CloudEvent<unknown> {
    return new CloudEvent({ id: 'probe', source: '/probe', type, ...extensions }, false);
  }

  it('the embedded broker routes as the manifests say, for every known type', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-routing-'));
    try {
      const store = new FsObjectStore(dir);
      const broker = new InProcessBroker({ routes: await loadTriggers(path.join(ROOT, 'eventing')), functions, context: testContext(store, dir), store });
      const probeTypes = [...KNOWN_TYPES, 'org.example.unknown'];
      const actual = broker.routes.map((route) => ({
        name: route.name,
        functionName: route.subscriber.functionName,
        types: probeTypes.filter((type) => route.matches(probe(type))).sort(),
      }));
      // The build Jobs' Trigger also filters on the object's kind, as the ApiServerSource sends it.
      const jobsRoute = broker.routes.find((route) => route.name === 'ccp-build-jobs')!;
      expect([
        jobsRoute.matches(probe(ForeignEventTypes.apiServerUpdate, { kind: 'Pod' })),
        jobsRoute.matches(probe(ForeignEventTypes.apiServerUpdate)),
      ]).toEqual([false, true]);
      const expected = eventing.triggers.map((trigger) => ({
        name: trigger.name,
        functionName: trigger.service!.slice(SERVICE_PREFIX.length),
        types: [...(trigger.types ?? [])].sort(),
      }));
      expect(sortByName(actual)).toEqual(sortByName(expected));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it(`every type of the contract is taken by a Trigger or listed in the ${TERMINAL_TYPES_CONFIGMAP} ConfigMap, never both`, () => {
    const contract = Object.values(EventTypes) as string[];
    expect({
      neither: contract.filter((type) => !consumedTypes.has(type) && !eventing.terminalTypes.has(type)),
      both: contract.filter((type) => consumedTypes.has(type) && eventing.terminalTypes.has(type)),
      notInContract: [...eventing.terminalTypes.keys()].filter((type) => !contract.includes(type)),
    }).toEqual({ neither: [], both: [], notInContract: [] });
    // The build function takes lint.completed.
    expect(consumedTypes.has(EventTypes.lintCompleted)).toBe(true);
  });

  it('func.yaml subscribes through the Broker of eventing/ to types that a Trigger takes', () => {
    const func = parseYaml(readFileSync(path.join(ROOT, 'func.yaml'), 'utf8')) as {
      deploy: { subscriptions: Array<{ source: string; filters: { type: string } }> };
    };
    const subscriptions = func.deploy.subscriptions.map(({ source, filters }) => ({ source, type: filters.type }));
    expect(subscriptions.length).toBeGreaterThan(0);
    expect(subscriptions.filter(({ source, type }) => !eventing.brokers.includes(source) || !consumedTypes.has(type))).toEqual([]);
  });
});

function sortByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}
