import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../../shared/config/package-root';
import { isPlainObject } from '../../shared/events/schema';
import { crdProblems } from '../manifests/crd-schemas';
import { schemaProblems } from '../manifests/model-registry';

/**
 * The opt-in Component deploy/overlays/openshift/dashboard-oauth: the OpenShift overlay rendered
 * with it (`kubectl kustomize` of a kustomization that names both, as a site's would) beside the
 * overlay without it, so each check compares what the Component changed.
 * @see ../../docs/admin-guide.md
 */
const ROOT = packageRoot();
const OVERLAY = path.join(ROOT, 'deploy', 'overlays', 'openshift');

type Manifest = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
}
interface KnativeService extends Manifest {
  spec: { template: { spec: { serviceAccountName: string; containers: Container[]; volumes: Array<{ name: string; secret?: { secretName: string } }> } } };
}
interface Route extends Manifest {
  spec: { host: string; to: { kind: string; name: string }; port: { targetPort: string }; tls: { termination: string; insecureEdgeTerminationPolicy: string } };
}

/** `kubectl kustomize` of a kustomization in a temporary folder: the overlay, and the Component when asked. Paths are relative: kustomize refuses absolute ones. */
function render(withComponent: boolean): Manifest[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccp-dashboard-oauth-'));
  try {
    const overlay = path.relative(dir, OVERLAY);
    const components = withComponent ? `components:\n  - ${overlay}/dashboard-oauth\n` : '';
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${overlay}\n${components}`,
    );
    const stdout = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseAllDocuments(stdout)
      .map((document) => document.toJS() as unknown)
      .filter(isPlainObject) as Manifest[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const find = <T extends Manifest>(objects: Manifest[], kind: string, name: string): T => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered overlay`);
  return found as T;
};
const secretEnv = (container: Container): string[] =>
  (container.env ?? [])
    .filter((variable) => variable.valueFrom?.secretKeyRef)
    .map((variable) => `${variable.name} ← ${variable.valueFrom!.secretKeyRef!.name}`);
const argOf = (container: Container, flag: string): string | undefined => container.args?.find((arg) => arg.startsWith(`--${flag}=`))?.slice(flag.length + 3);

describe('the OpenShift overlay with the dashboard-oauth Component', () => {
  const plain = render(false);
  const objects = render(true);
  const before = find<KnativeService>(plain, 'Service', 'ccp-dashboard');
  const service = find<KnativeService>(objects, 'Service', 'ccp-dashboard');
  const containers = service.spec.template.spec.containers;
  const dashboard = containers.find((container) => container.name === 'function')!;
  const proxy = containers.find((container) => container.name === 'oauth-proxy')!;
  const route = find<Route>(objects, 'Route', 'ccp-dashboard-ccp');

  it('validates every rendered object against its schema: Knative’s Service (two containers), OpenShift’s Route CRD, Kubernetes’', () => {
    const problems = objects.flatMap((object) => schemaProblems(object).map((problem) => `${object.kind} ${object.metadata.name}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('validates Routes against the published CRD, which refuses what the API server refuses', () => {
    expect({
      ours: crdProblems(route),
      wrongCase: (crdProblems({ ...route, spec: { ...route.spec, tls: { termination: 'Edge' } } }) ?? []).length > 0,
      noTarget: (crdProblems({ ...route, spec: { host: route.spec.host } }) ?? []).length > 0,
    }).toEqual({ ours: [], wrongCase: true, noTarget: true });
  });

  it('leaves the overlay without the Component as it was: the dashboard cluster-local, one container', () => {
    expect({
      visibility: before.metadata.labels?.['networking.knative.dev/visibility'],
      containers: before.spec.template.spec.containers.map((container) => container.name),
      route: plain.some((object) => object.kind === 'Route' && object.metadata.name === 'ccp-dashboard-ccp'),
    }).toEqual({ visibility: 'cluster-local', containers: ['function'], route: false });
  });

  it('routes the Knative Service’s own host to the Kourier gateway, TLS edge, and turns the operator’s Route off', () => {
    const gateway = find<Route>(objects, 'Route', 'ccp-gateway-ccp');
    const domain = gateway.spec.host.slice('ccp-gateway-ccp.'.length);
    expect({
      namespace: route.metadata.namespace,
      host: route.spec.host,
      to: route.spec.to,
      port: route.spec.port.targetPort,
      tls: route.spec.tls,
      visibility: service.metadata.labels?.['networking.knative.dev/visibility'],
      disableRoute: service.metadata.annotations?.['serving.knative.openshift.io/disableRoute'],
    }).toEqual({
      namespace: 'knative-serving-ingress',
      // Knative's default domain template: {{.Name}}-{{.Namespace}}.{{.Domain}}.
      host: `${service.metadata.name}-${service.metadata.namespace}.${domain}`,
      to: { kind: 'Service', name: 'kourier', weight: 100 },
      port: gateway.spec.port.targetPort,
      tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
      visibility: undefined,
      disableRoute: 'true',
    });
  });

  it('makes oauth-proxy the only container with a port, in front of the dashboard on 127.0.0.1', () => {
    const upstream = new URL(argOf(proxy, 'upstream')!);
    expect({
      withPorts: containers.filter((container) => (container.ports ?? []).length > 0).map((container) => container.name),
      listens: argOf(proxy, 'http-address'),
      port: proxy.ports,
      https: argOf(proxy, 'https-address'),
      provider: argOf(proxy, 'provider'),
      upstream: [upstream.hostname, upstream.port],
      dashboardHost: dashboard.env?.find((variable) => variable.name === 'HOST')?.value,
      // The dashboard serves on PORT's default, 8080 (Knative sets PORT only for the serving container).
      dashboardPort: dashboard.env?.some((variable) => variable.name === 'PORT'),
      dashboardProbes: [dashboard.readinessProbe, dashboard.livenessProbe],
      proxyProbes: [proxy.readinessProbe, proxy.livenessProbe],
    }).toEqual({
      withPorts: ['oauth-proxy'],
      listens: ':4180',
      port: [{ name: 'http1', containerPort: 4180 }],
      https: '',
      provider: 'openshift',
      upstream: ['127.0.0.1', '8080'],
      dashboardHost: '127.0.0.1',
      dashboardPort: false,
      dashboardProbes: [undefined, undefined],
      proxyProbes: [{ httpGet: { path: '/oauth/healthz' } }, { httpGet: { path: '/oauth/healthz' } }],
    });
  });

  it('gives the dashboard container no Secret beyond what it had, and the proxy’s cookie secret only to the proxy', () => {
    const cookie = service.spec.template.spec.volumes.find((volume) => volume.secret?.secretName === 'ccp-dashboard-oauth');
    const mount = proxy.volumeMounts?.find((item) => item.name === cookie?.name);
    expect({
      secrets: secretEnv(dashboard),
      env: (dashboard.env ?? [])
        .map((variable) => variable.name)
        .filter((name) => !before.spec.template.spec.containers[0]!.env!.some((old) => old.name === name)),
      dashboardMounts: (dashboard.volumeMounts ?? []).map((item) => item.name),
      proxySecrets: secretEnv(proxy),
      cookieFile: mount ? argOf(proxy, 'cookie-secret-file')?.startsWith(`${mount.mountPath}/`) : false,
      cookieOnCommandLine: argOf(proxy, 'cookie-secret'),
    }).toEqual({
      secrets: secretEnv(before.spec.template.spec.containers[0]!),
      env: ['HOST'],
      dashboardMounts: (before.spec.template.spec.containers[0]!.volumeMounts ?? []).map((item) => item.name),
      proxySecrets: [],
      cookieFile: true,
      cookieOnCommandLine: undefined,
    });
  });

  it('lets in only users who may get Services in the dashboard’s namespace, through a ServiceAccount that redirects to the Route', () => {
    const account = find<Manifest & { automountServiceAccountToken?: boolean }>(objects, 'ServiceAccount', service.spec.template.spec.serviceAccountName);
    const redirects = Object.entries(account.metadata.annotations ?? {}).filter(([key]) => key.startsWith('serviceaccounts.openshift.io/oauth-redirecturi.'));
    expect({
      sar: JSON.parse(argOf(proxy, 'openshift-sar')!) as unknown,
      account: argOf(proxy, 'openshift-service-account'),
      namespace: account.metadata.namespace,
      token: account.automountServiceAccountToken,
      redirects: redirects.map(([, uri]) => uri),
      bindings: objects.filter((object) => object.kind === 'RoleBinding' && JSON.stringify(object).includes(account.metadata.name)).length,
    }).toEqual({
      sar: { namespace: service.metadata.namespace, resource: 'services', verb: 'get' },
      account: account.metadata.name,
      namespace: service.metadata.namespace,
      token: true,
      redirects: [`https://${route.spec.host}/oauth/callback`],
      bindings: 0,
    });
  });
});
