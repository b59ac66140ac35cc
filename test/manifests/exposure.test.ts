import { packageRoot } from '../../shared/config/package-root';
import { readManifestDocuments } from './read-manifests';

/**
 * What `kubectl apply` would expose outside the cluster, read from the committed manifests (not
 * from the generator, so a hand edit or a generator change cannot make a function public unseen).
 * Every function but the gateway takes events only from the Broker: a public `ccp-build` would let
 * anyone on the internet post a `lint.completed` naming any repository.
 * @see https://knative.dev/docs/serving/services/private-services/
 */
const documents = readManifestDocuments(packageRoot(), ['deploy', 'eventing']);
const VISIBILITY = 'networking.knative.dev/visibility';

interface Labelled {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { to?: { name?: string } };
}

const services = documents
  .map((document) => ({ where: document.where, object: document.object as Labelled | null }))
  .filter(({ object, where }) => object?.apiVersion === 'serving.knative.dev/v1' && object.kind === 'Service' && where.startsWith('deploy/base/'));

describe('only the gateway is reachable from outside the cluster', () => {
  it('finds every function Service', () => {
    expect(services.map(({ object }) => object!.metadata!.name).sort()).toEqual(
      expect.arrayContaining(['ccp-build', 'ccp-dispatch', 'ccp-gateway', 'ccp-lint', 'ccp-scan']),
    );
  });

  it.each(services.map(({ where, object }) => [object!.metadata!.name!, where] as const))('%s (%s)', (name) => {
    const { object } = services.find((service) => service.object!.metadata!.name === name)!;
    expect({ name, visibility: object!.metadata!.labels?.[VISIBILITY] ?? 'public' }).toEqual({
      name,
      visibility: name === 'ccp-gateway' ? 'public' : 'cluster-local',
    });
  });

  it('gives OpenShift Routes to the gateway, and to the dashboard only in the opt-in Component that puts it behind oauth-proxy', () => {
    const routed = documents
      .filter((document) => document.object?.kind === 'Route')
      .map((document) => [(document.object as Labelled).metadata?.labels?.['app.kubernetes.io/name'], document.file]);
    // test/deploy/dashboard-oauth.test.ts checks that the proxy is the only way to the dashboard there.
    expect(routed).toEqual([
      ['ccp-gateway', 'deploy/overlays/openshift/cluster/routes.yaml'],
      ['ccp-dashboard', 'deploy/overlays/openshift/dashboard-oauth/route.yaml'],
    ]);
  });
});
