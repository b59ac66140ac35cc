import { FUNCTIONS } from '../../functions/api';
import { buildJob } from '../../functions/build/builders/kubernetes/job';
import { sampleSpec } from '../../functions/build/builders/kubernetes/__fixtures__/build-spec';
import { loadConfig } from '../../shared/config/config';
import { packageRoot } from '../../shared/config/package-root';
import { readManifestDocuments } from './read-manifests';

/**
 * Who gets the signing keys, read from the committed manifests (not from the generator, so a hand
 * edit or an overlay cannot hand them out unseen): the Secret `ccp-signing` reaches the build
 * function alone, as read-only files, optional, and never the build Jobs, whose pods run the
 * project's own Dockerfile and prebuild script.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
 */
const documents = readManifestDocuments(packageRoot(), ['deploy', 'eventing']);
const SECRET = 'ccp-signing';
const MOUNT = '/etc/ccp/signing';
/** Everything that would hand out the keys: the Secret's name, the mount, the settings naming the files. */
const KEY_MARKS = [SECRET, MOUNT, 'CCP_SIGNING_KEY_FILE', 'CCP_SIGNING_KEY_PASSPHRASE_FILE', 'CCP_ATTESTATION_KEY_FILE'];

interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: unknown[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  volumes?: { name: string; secret?: { secretName: string; optional?: boolean; defaultMode?: number; items?: { key: string; path: string }[] } }[];
  containers: Container[];
  initContainers?: Container[];
}
interface KnativeService {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: PodSpec } };
}

const services = documents
  .filter(({ object }) => object?.['apiVersion'] === 'serving.knative.dev/v1' && object['kind'] === 'Service')
  .map(({ where, object }) => ({ where, service: object as unknown as KnativeService }));

const marksIn = (value: unknown): string[] => KEY_MARKS.filter((mark) => JSON.stringify(value).includes(mark));

describe('the signing keys reach the build function only', () => {
  it('finds a Service for every function', () => {
    // Overlays patch some Services again (a second document of the same name): each is checked below.
    expect([...new Set(services.map(({ service }) => service.metadata.name))].sort()).toEqual([...FUNCTIONS.keys()].map((name) => `ccp-${name}`).sort());
  });

  it.each(
    services.filter(({ service }) => service.metadata.name !== 'ccp-build').map(({ where, service }) => [service.metadata.name, where, service] as const),
  )('%s (%s) neither mounts ccp-signing nor names its files', (name, _where, service) => {
    expect({ name, marks: marksIn(service) }).toEqual({ name, marks: [] });
  });

  it('no other manifest under deploy/ or eventing/ names ccp-signing but its own template', () => {
    const naming = documents.filter(({ object }) => marksIn(object).includes(SECRET)).map(({ file }) => file);
    expect(naming.sort()).toEqual(['deploy/base/services/build.yaml', 'deploy/secrets/ccp-signing.yaml']);
  });

  it('ccp-build mounts the optional Secret read-only, readable by its user only through the group, and names each file by its setting', () => {
    const builds = services.filter(({ service: candidate }) => candidate.metadata.name === 'ccp-build');
    expect(builds.map(({ where }) => where)).toEqual(['deploy/base/services/build.yaml:2']);
    const { service } = builds[0]!;
    const pod = service.spec.template.spec;
    const volumes = (pod.volumes ?? []).filter((volume) => volume.secret?.secretName === SECRET);
    expect(volumes).toEqual([
      {
        name: 'signing-keys',
        secret: {
          secretName: SECRET,
          optional: true,
          defaultMode: 0o440,
          items: [
            { key: 'signing-key.asc', path: 'signing-key.asc' },
            { key: 'signing-key-passphrase', path: 'signing-key-passphrase' },
            { key: 'attestation-key.pem', path: 'attestation-key.pem' },
          ],
        },
      },
    ]);
    const [container] = pod.containers;
    expect(pod.containers.map((candidate) => candidate.name)).toEqual(['function']);
    expect(container!.volumeMounts!.filter((mount) => mount.name === 'signing-keys')).toEqual([{ name: 'signing-keys', mountPath: MOUNT, readOnly: true }]);
    const named = Object.fromEntries(
      (container!.env ?? []).filter((item) => /^CCP_(SIGNING|ATTESTATION)_/.test(item.name)).map((item) => [item.name, item.value]),
    );
    expect(named).toEqual({
      CCP_SIGNING_KEY_FILE: `${MOUNT}/signing-key.asc`,
      CCP_SIGNING_KEY_PASSPHRASE_FILE: `${MOUNT}/signing-key-passphrase`,
      CCP_ATTESTATION_KEY_FILE: `${MOUNT}/attestation-key.pem`,
    });
    // Every file a setting names is one the Secret volume lays out.
    const paths = volumes[0]!.secret!.items!.map((item) => `${MOUNT}/${item.path}`);
    expect(Object.values(named).filter((file) => !paths.includes(file!))).toEqual([]);
    // The key material itself is never an environment variable.
    expect(JSON.stringify(container!.env ?? []).includes(`"name":"${SECRET}"`)).toBe(false);
  });

  it("the kubernetes backend's build Job never gets the keys, even from a build function that has them", () => {
    const config = loadConfig(
      { dataDir: '/tmp/ccp-signing-keys-test' },
      {
        CCP_BUILDER: 'kubernetes',
        CCP_SIGNING_KEY_FILE: `${MOUNT}/signing-key.asc`,
        CCP_SIGNING_KEY_PASSPHRASE_FILE: `${MOUNT}/signing-key-passphrase`,
        CCP_ATTESTATION_KEY_FILE: `${MOUNT}/attestation-key.pem`,
      },
    );
    const job = buildJob(sampleSpec(), config.kubernetes);
    const pod = job.spec!.template.spec!;
    expect(pod.containers.length + (pod.initContainers ?? []).length).toBeGreaterThan(1);
    expect(marksIn(job)).toEqual([]);
    // The check can fail: the same Job with the Secret added is caught.
    const leaky = {
      ...job,
      spec: {
        ...job.spec,
        template: { ...job.spec!.template, spec: { ...pod, volumes: [...(pod.volumes ?? []), { name: 'k', secret: { secretName: SECRET } }] } },
      },
    };
    expect(marksIn(leaky)).toEqual([SECRET]);
  });
});
