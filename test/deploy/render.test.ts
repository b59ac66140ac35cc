import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FUNCTIONS } from '../../functions/api';
import { recordingFunction } from '../support/test-functions';
import type { FunctionDefinition } from '../../shared/function/types';
import { packageRoot } from '../../shared/config/package-root';
import { DEFAULT_PROFILE, profileOf } from '../../scripts/render-deploy/profiles';
import { renderDeploy, staleFiles } from '../../scripts/render-deploy/render';

const ROOT = packageRoot();
const functions = [...FUNCTIONS.values()];

describe('deploy/ and eventing/kustomization.yaml are rendered from functions/api.ts', () => {
  it('the committed files equal what `npm run render:deploy` writes', () => {
    const stale = staleFiles(functions, ROOT).map((file) => `${file.path} is ${file.problem}: run \`npm run render:deploy\` and commit the result`);
    expect(stale).toEqual([]);
  });
});

describe('renderDeploy (on a copy of the repository)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ccp-render-'));
    for (const dir of ['deploy', 'eventing']) cpSync(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
    cpSync(path.join(ROOT, 'func.yaml'), path.join(root, 'func.yaml'));
    // Start from a rendered copy, so each test sees only the change it makes.
    for (const file of renderDeploy(functions, root)) writeFileSync(path.join(root, file.path), file.content);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  interface RenderedService {
    metadata: { name: string; labels: Record<string, string> };
    spec: {
      template: {
        metadata: { annotations: Record<string, string> };
        spec: { serviceAccountName: string; containers: Array<{ env: unknown[]; resources: unknown }> };
      };
    };
  }
  const serviceOf = (files: ReturnType<typeof renderDeploy>, name: string): RenderedService =>
    parseYaml(files.find((file) => file.path === `deploy/base/services/${name}.yaml`)!.content) as RenderedService;

  it('gives a new function a Service with the default profile, and says the committed files are stale', () => {
    const added = recordingFunction('audit', ['org.centos.ccp.build.completed']);
    const files = renderDeploy([...functions, added], root);
    const service = serviceOf(files, 'audit');
    const container = service.spec.template.spec.containers[0]!;
    expect({
      name: service.metadata.name,
      visibility: service.metadata.labels['networking.knative.dev/visibility'],
      minScale: service.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'],
      account: service.spec.template.spec.serviceAccountName,
      env: container.env[0],
      resources: container.resources,
    }).toEqual({
      name: 'ccp-audit',
      visibility: 'cluster-local',
      minScale: '0',
      account: DEFAULT_PROFILE.serviceAccountName,
      env: { name: 'FUNCTION', value: 'audit' },
      resources: { requests: DEFAULT_PROFILE.requests, limits: DEFAULT_PROFILE.limits },
    });
    expect(staleFiles([...functions, added], root)).toEqual(
      expect.arrayContaining([
        { path: 'deploy/base/services/audit.yaml', problem: 'missing' },
        { path: 'deploy/base/kustomization.yaml', problem: 'differs' },
      ]),
    );
  });

  it('names the Service file of a function that is no longer registered', () => {
    writeFileSync(path.join(root, 'deploy/base/services/retired.yaml'), 'kind: Service\n');
    expect(staleFiles(functions, root)).toEqual([{ path: 'deploy/base/services/retired.yaml', problem: 'unexpected' }]);
  });

  it('routes the gateway from outside and no other function, even one with plain HTTP routes (build, dashboard)', () => {
    const files = renderDeploy(functions, root);
    const routes = files.find((file) => file.path === 'deploy/overlays/openshift/cluster/routes.yaml');
    const routed = (routes?.content ?? '').split('\n---\n').map((text) => parseYaml(text) as { metadata?: { labels?: Record<string, string> } } | null);
    expect(
      routed
        .map((route) => route?.metadata?.labels?.['app.kubernetes.io/name'])
        .filter(Boolean)
        .sort(),
    ).toEqual(['ccp-gateway']);
    expect(
      functions
        .filter((definition: FunctionDefinition) => definition.routes)
        .map((definition) => definition.name)
        .sort(),
    ).toEqual(['build', 'dashboard', 'gateway']);
    const local = functions.map((definition) => [
      definition.name,
      serviceOf(files, definition.name).metadata.labels['networking.knative.dev/visibility'] ?? 'public',
    ]);
    expect(local).toEqual(functions.map((definition) => [definition.name, definition.name === 'gateway' ? 'public' : 'cluster-local']));
  });

  it('leaves the example sources out of eventing/kustomization.yaml and lists a new Trigger file', () => {
    mkdirSync(path.join(root, 'eventing/triggers'), { recursive: true });
    writeFileSync(path.join(root, 'eventing/triggers/zz-new.yaml'), 'kind: Trigger\n');
    const kustomization = parseYaml(renderDeploy(functions, root).find((file) => file.path === 'eventing/kustomization.yaml')!.content) as {
      resources: string[];
    };
    expect(kustomization.resources).toContain('triggers/zz-new.yaml');
    expect(kustomization.resources.filter((file) => /github|gitlab/.test(file))).toEqual([]);
  });

  it.each([
    ['build', 'ccp-builder'],
    ['scan', 'ccp-functions'],
    ['lint', 'ccp-functions'],
  ])('%s runs as %s', (name, account) => {
    expect(profileOf(name).serviceAccountName).toBe(account);
  });

  it('sizes build and scan larger than the default', () => {
    const memoryMi = (value: string): number => (value.endsWith('Gi') ? Number(value.slice(0, -2)) * 1024 : Number(value.slice(0, -2)));
    expect(['build', 'scan'].map((name) => memoryMi(profileOf(name).limits.memory) > memoryMi(DEFAULT_PROFILE.limits.memory))).toEqual([true, true]);
  });
});
