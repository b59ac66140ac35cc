import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { FUNCTIONS } from '../../functions/api';
import { packageRoot } from '../../shared/config/package-root';
import { isPlainObject } from '../../shared/events/schema';
import { isPublic } from '../../scripts/render-deploy/render-service';
import { SERVICE_PREFIX } from '../../shared/runtime/load-triggers';
import { schemaProblems } from '../manifests/model-registry';

const ROOT = packageRoot();
const OVERLAYS = ['knative', 'openshift', 'knative-kafka', 'openshift-kafka'] as const;

interface Rendered {
  objects: Record<string, unknown>[];
}

/** `kubectl kustomize deploy/overlays/<overlay>`, offline, parsed. */
function render(overlay: string): Rendered {
  const stdout = execFileSync('kubectl', ['kustomize', `deploy/overlays/${overlay}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const objects = parseAllDocuments(stdout)
    .map((document) => document.toJS() as unknown)
    .filter(isPlainObject);
  return { objects };
}

const rendered = new Map(OVERLAYS.map((overlay) => [overlay, render(overlay)]));
const nameOf = (object: Record<string, unknown>): string => String((object.metadata as { name?: unknown } | undefined)?.name);
const namespaceOf = (object: Record<string, unknown>): string | undefined => (object.metadata as { namespace?: string } | undefined)?.namespace;
const ofKind = (objects: Record<string, unknown>[], kind: string): Record<string, unknown>[] => objects.filter((object) => object.kind === kind);
/** Objects kustomize must leave out of the namespace ccp. */
const CLUSTER_KINDS = new Set(['Namespace', 'SecurityContextConstraints']);

describe.each(OVERLAYS)('kubectl kustomize deploy/overlays/%s', (overlay) => {
  const { objects } = rendered.get(overlay)!;

  it('validates every rendered object against its schema', () => {
    const problems = objects.flatMap((object) => schemaProblems(object).map((problem) => `${String(object.kind)} ${nameOf(object)}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('has one Knative Service per registered function, with FUNCTION set to it', () => {
    const services = ofKind(objects, 'Service').filter((object) => object.apiVersion === 'serving.knative.dev/v1');
    const selected = services.map((service) => {
      const containers = (service.spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } }).template.spec
        .containers;
      return [nameOf(service), containers[0]!.env.find((variable) => variable.name === 'FUNCTION')?.value];
    });
    expect(selected.sort()).toEqual([...FUNCTIONS.keys()].map((name) => [`${SERVICE_PREFIX}${name}`, name]).sort());
  });

  it('mounts the signing keys (Secret ccp-signing) into ccp-build alone, read-only, and no object but ccp-build names them', () => {
    const naming = objects.filter((object) => JSON.stringify(object).includes('ccp-signing')).map((object) => `${String(object.kind)} ${nameOf(object)}`);
    expect(naming).toEqual(['Service ccp-build']);
    const build = objects.find((object) => object.kind === 'Service' && nameOf(object) === 'ccp-build')!;
    const pod = (
      build.spec as {
        template: {
          spec: {
            volumes: { name: string; secret?: { secretName: string; optional?: boolean } }[];
            containers: { volumeMounts: { name: string; readOnly?: boolean }[] }[];
          };
        };
      }
    ).template.spec;
    const volume = pod.volumes.find((candidate) => candidate.secret?.secretName === 'ccp-signing')!;
    expect({
      optional: volume.secret!.optional,
      mounts: pod.containers.map((container) => container.volumeMounts.find((mount) => mount.name === volume.name)?.readOnly),
    }).toEqual({
      optional: true,
      mounts: [true],
    });
  });

  it('puts every namespaced object in the namespace ccp (the Routes beside the ingress gateway)', () => {
    const misplaced = objects
      .filter((object) => !CLUSTER_KINDS.has(String(object.kind)))
      .filter((object) => namespaceOf(object) !== (object.kind === 'Route' ? 'knative-serving-ingress' : 'ccp'))
      .map((object) => `${String(object.kind)} ${nameOf(object)} in ${namespaceOf(object)}`);
    expect(misplaced).toEqual([]);
  });

  it('every Trigger and dead-letter sink names a Knative Service of the overlay', () => {
    const services = new Set(
      ofKind(objects, 'Service')
        .filter((object) => object.apiVersion === 'serving.knative.dev/v1')
        .map(nameOf),
    );
    const refs = objects.flatMap((object) => {
      const spec = isPlainObject(object.spec) ? object.spec : {};
      const subscriber = isPlainObject(spec.subscriber) && isPlainObject(spec.subscriber.ref) ? [spec.subscriber.ref] : [];
      const sink =
        isPlainObject(spec.delivery) && isPlainObject(spec.delivery.deadLetterSink) && isPlainObject(spec.delivery.deadLetterSink.ref)
          ? [spec.delivery.deadLetterSink.ref]
          : [];
      return [...subscriber, ...sink].filter((ref) => ref.kind === 'Service').map((ref) => `${String(object.kind)} ${nameOf(object)} → ${String(ref.name)}`);
    });
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !services.has(ref.split(' → ')[1]!))).toEqual([]);
  });

  it('takes the site settings over the base ConfigMap', () => {
    const [config] = ofKind(objects, 'ConfigMap').filter((object) => nameOf(object) === 'ccp-config');
    expect((config?.data as Record<string, string>).CCP_STORE).toBe('s3');
    expect((config?.data as Record<string, string>).CCP_S3_ENDPOINT).not.toMatch(/^https:\/\/REPLACE_ME\.s3/);
  });

  it('grants through Roles and RoleBindings only, never a ClusterRole', () => {
    expect(objects.filter((object) => /^Cluster(Role|RoleBinding)$/.test(String(object.kind))).map(nameOf)).toEqual([]);
    const bindings = ofKind(objects, 'RoleBinding').map((binding) => (binding.roleRef as { kind: string }).kind);
    expect(bindings.filter((kind) => kind !== 'Role')).toEqual([]);
  });
});

describe('OpenShift overlay specifics', () => {
  const { objects } = rendered.get('openshift')!;

  it('routes the public functions through TLS edge Routes and stops the operator from making its own', () => {
    const routed = ofKind(objects, 'Route')
      .map((route) => (route.metadata as { labels: Record<string, string> }).labels['app.kubernetes.io/name'])
      .sort();
    const publicServices = [...FUNCTIONS.values()]
      .filter(isPublic)
      .map((definition) => `${SERVICE_PREFIX}${definition.name}`)
      .sort();
    expect(publicServices).toEqual(['ccp-gateway']);
    expect(routed).toEqual(publicServices);
    const disabled = ofKind(objects, 'Service')
      .filter((service) => (service.metadata as { annotations?: Record<string, string> }).annotations?.['serving.knative.openshift.io/disableRoute'] === 'true')
      .map(nameOf)
      .sort();
    expect(disabled).toEqual(publicServices);
  });

  it('lets only the build Jobs use the buildah SCC, which is not privileged', () => {
    const [scc] = ofKind(objects, 'SecurityContextConstraints');
    expect({ privileged: scc?.allowPrivilegedContainer, hostNetwork: scc?.allowHostNetwork, hostPaths: scc?.allowHostDirVolumePlugin }).toEqual({
      privileged: false,
      hostNetwork: false,
      hostPaths: false,
    });
    const binding = ofKind(objects, 'RoleBinding').find((object) => nameOf(object) === 'ccp-buildah-scc');
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'ccp-build-job', namespace: 'ccp' }]);
  });
});

describe.each([
  ['knative', 'knative-kafka'],
  ['openshift', 'openshift-kafka'],
] as const)('the Kafka twin of deploy/overlays/%s', (base, twin) => {
  const brokerOf = (overlay: (typeof OVERLAYS)[number]): Record<string, unknown> => ofKind(rendered.get(overlay)!.objects, 'Broker')[0]!;
  const without = (objects: Record<string, unknown>[], kinds: string[]): Record<string, unknown>[] =>
    objects.filter((object) => !kinds.includes(String(object.kind)));

  it('makes the Broker ccp a Knative Broker for Apache Kafka whose config is the kafka-broker-config ConfigMap of the overlay', () => {
    const broker = brokerOf(twin);
    const config = (broker.spec as { config: { kind: string; name: string; namespace: string } }).config;
    const [configMap] = ofKind(rendered.get(twin)!.objects, 'ConfigMap').filter(
      (object) => nameOf(object) === config.name && namespaceOf(object) === config.namespace,
    );
    expect([
      (broker.metadata as { annotations?: Record<string, string> }).annotations?.['eventing.knative.dev/broker.class'],
      config.kind,
      Object.keys((configMap?.data ?? {}) as object).sort(),
    ]).toEqual(['Kafka', 'ConfigMap', ['bootstrap.servers', 'default.topic.partitions', 'default.topic.replication.factor']]);
  });

  it("keeps eventing/broker.yaml's delivery spec (retries, backoff, dead-letter sink) and the base Broker leaves the class to the cluster", () => {
    const delivery = (parseYaml(readFileSync(path.join(ROOT, 'eventing', 'broker.yaml'), 'utf8')) as { spec: { delivery: unknown } }).spec.delivery;
    expect([(brokerOf(twin).spec as { delivery: unknown }).delivery, (brokerOf(base).metadata as { annotations?: unknown }).annotations]).toEqual([
      delivery,
      undefined,
    ]);
  });

  it('changes nothing else than the Broker and the one ConfigMap', () => {
    expect(
      without(rendered.get(twin)!.objects, ['Broker']).filter((object) => !(object.kind === 'ConfigMap' && nameOf(object) === 'kafka-broker-config')),
    ).toEqual(without(rendered.get(base)!.objects, ['Broker']));
  });
});
