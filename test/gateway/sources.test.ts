import path from 'node:path';
import { CloudEvent } from 'cloudevents';
import { testContext } from '../support/test-functions';
import { gatewayFunction } from '../../functions/gateway';
import { packageRoot } from '../../shared/config/package-root';
import { EventTypes, ForeignEventTypes } from '../../shared/events/types';
import { loadTriggers } from '../../shared/runtime/load-triggers';
import { TempObjectStore } from '../../shared/store/__fixtures__/temp-store';
import { crdProblems } from '../manifests/crd-schemas';
import { readManifestDocuments } from '../manifests/read-manifests';

const ROOT = packageRoot();
const sources = readManifestDocuments(ROOT, ['eventing/sources']).map((document) => document.object!);
const byName = (name: string): Record<string, any> => sources.find((object) => (object.metadata as { name: string }).name === name) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read as plain YAML
const BROKER_SINK = { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'ccp' } };

describe('eventing/sources', () => {
  it('holds the two PingSources and the GitHub and GitLab source examples, all sinking into the Broker ccp', () => {
    expect(sources.map((object) => [object.kind, (object.metadata as { name: string }).name, (object.spec as { sink: unknown }).sink])).toEqual(
      expect.arrayContaining([
        ['PingSource', 'ccp-weekly-rescan', BROKER_SINK],
        ['PingSource', 'ccp-repo-poll', BROKER_SINK],
        ['GitHubSource', 'ccp-github-example-images', BROKER_SINK],
        ['GitLabSource', 'ccp-gitlab-example-images', BROKER_SINK],
      ]),
    );
  });

  it.each([
    ['ccp-weekly-rescan', '0 23 * * 6', EventTypes.tickWeekly],
    ['ccp-repo-poll', '0 * * * *', EventTypes.tickRepoPoll],
  ])('%s fires at %s and its ping reaches the gateway, which emits %s', async (name, schedule, tickType) => {
    const spec = byName(name).spec;
    expect([spec.schedule, spec.timezone, spec.contentType]).toEqual([schedule, 'Etc/UTC', 'application/json']);
    // What the PingSource adapter sends: its own type and source, the manifest's data as the body.
    const ping = new CloudEvent({
      id: 'p-1',
      source: `/apis/v1/namespaces/ccp/pingsources/${name}`,
      type: ForeignEventTypes.ping,
      time: '2026-11-28T23:00:00.000Z',
      datacontenttype: spec.contentType,
      data: spec.data as string,
    });
    const routes = await loadTriggers(path.join(ROOT, 'eventing'));
    expect(routes.filter((route) => route.matches(ping)).map((route) => route.subscriber.functionName)).toEqual(['gateway']);
    const emitted = await gatewayFunction.handle(ping, testContext(new TempObjectStore()));
    expect(emitted.map((event) => event.type)).toEqual([tickType]);
  });

  it.each([['ccp-github-example-images'], ['ccp-gitlab-example-images']])('%s passes the schema of its CRD', (name) => {
    expect(crdProblems(byName(name))).toEqual([]);
  });

  it('GitHubSource subscribes to push and GitLabSource to push_events: the events the dispatcher translates', () => {
    expect([byName('ccp-github-example-images').spec.eventTypes, byName('ccp-gitlab-example-images').spec.eventTypes]).toEqual([['push'], ['push_events']]);
  });
});

describe('crdProblems (the schemas of the sources kubernetes-models lacks)', () => {
  const github = (): Record<string, any> => structuredClone(byName('ccp-github-example-images')); // eslint-disable-line @typescript-eslint/no-explicit-any -- reshaped freely
  const gitlab = (): Record<string, any> => structuredClone(byName('ccp-gitlab-example-images')); // eslint-disable-line @typescript-eslint/no-explicit-any -- reshaped freely

  it.each([
    [
      'a misspelt event type',
      () => Object.assign(github(), { spec: { ...github().spec, eventTypes: ['pushes'] } }),
      ['GitHubSource: data/spec/eventTypes/0 must be equal to one of the allowed values'],
    ],
    [
      'no secretToken',
      () => {
        const object = github();
        delete object.spec.secretToken;
        return object;
      },
      ["GitHubSource: data/spec must have required property 'secretToken'"],
    ],
    [
      'a secretKeyRef without key',
      () => {
        const object = github();
        delete object.spec.accessToken.secretKeyRef.key;
        return object;
      },
      ["GitHubSource: data/spec/accessToken/secretKeyRef must have required property 'key'"],
    ],
    [
      'a field of another source',
      () => {
        const object = github();
        object.spec.projectUrl = 'https://x';
        return object;
      },
      ['GitHubSource: data/spec must NOT have additional properties'],
    ],
    [
      'a GitLabSource without sink',
      () => {
        const object = gitlab();
        delete object.spec.sink;
        return object;
      },
      ["GitLabSource: data/spec must have required property 'sink'"],
    ],
    [
      'a GitLabSource projectUrl that is no URL',
      () => {
        const object = gitlab();
        object.spec.projectUrl = 'example-group/example-images';
        return object;
      },
      ['GitLabSource: data/spec/projectUrl must match pattern "^https?://"'],
    ],
  ])('names the path of %s', (_case, make, problems) => {
    expect(crdProblems(make())).toEqual(problems);
  });

  it('has no opinion on kinds it keeps no schema for', () => {
    expect(crdProblems({ apiVersion: 'example.org/v1', kind: 'Widget' })).toBeNull();
  });
});
