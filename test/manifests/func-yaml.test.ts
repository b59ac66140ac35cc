import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FUNCTIONS } from '../../functions/api';
import { createFunctionServer } from '../../shared/host/function-server';
import { listen } from '../../shared/host/listen';
import { ENV } from '../../shared/config/config';
import { packageRoot } from '../../shared/config/package-root';
import { ALL_SETTINGS } from '../../shared/config/settings';
import { FsObjectStore } from '../../shared/store/fs-store';
import { testContext } from '../support/test-functions';
import { checkFuncYaml, type FuncYamlContext } from './func-yaml';

const ROOT = packageRoot();
// Every variable a function of the image reads: the declared settings, test hooks aside.
const context: FuncYamlContext = {
  functions: FUNCTIONS,
  envNames: ALL_SETTINGS.filter((setting) => setting.env && !setting.testHook).map((setting) => setting.env!),
};
const funcYaml = (): Record<string, unknown> => parseYaml(readFileSync(path.join(ROOT, 'func.yaml'), 'utf8')) as Record<string, unknown>;

/** The parts of func.yaml that the cases below change. */
interface FuncShape {
  specVersion?: string;
  created?: string;
  name?: string;
  invoke?: string;
  build: { builder?: string };
  run: { envs: Array<{ name?: string; value?: string }> };
  deploy: {
    [field: string]: unknown;
    namespace?: string;
    healthEndpoints: { liveness?: string };
    options: { scale: { min?: number; metric?: string }; resources: { limits: { memory?: string } } };
    subscriptions: Array<{ source?: string; filters: { type?: string } }>;
  };
}
type Change = (func: FuncShape) => unknown;

/** A deep copy of func.yaml with `change` applied. */
function changed(change: Change): Record<string, unknown> {
  const func = structuredClone(funcYaml());
  change(func as unknown as FuncShape);
  return func;
}

describe('func.yaml', () => {
  it('has the fields and shapes of the knative/func schema and follows the service rules', () => {
    expect(checkFuncYaml(funcYaml(), context)).toEqual([]);
  });

  it('names the image, the CloudEvent invocation and every CCP_* variable of the configuration but the embedded-only ones', () => {
    const func = funcYaml() as { name: string; runtime: string; invoke: string; run: { envs: Array<{ name: string }> } };
    expect([func.name, func.runtime, func.invoke]).toEqual(['ccp', 'typescript', 'cloudevent']);
    const names = func.run.envs.map((env) => env.name);
    // The declarations say which are the embedded default's only (a config file, the door's ingress token).
    const embeddedOnly = ALL_SETTINGS.filter((setting) => setting.embeddedOnly).map((setting) => setting.env);
    expect(Object.values(ENV).filter((name) => !embeddedOnly.includes(name) && !names.includes(name))).toEqual([]);
  });

  it('its health endpoints are the ones the function server answers', async () => {
    const { healthEndpoints } = (funcYaml() as { deploy: { healthEndpoints: { liveness: string; readiness: string } } }).deploy;
    // Health probes never touch the store.
    const store = new FsObjectStore(path.join(os.tmpdir(), 'ccp-health-unused'));
    const server = await listen(createFunctionServer(FUNCTIONS.get('lint')!, testContext(store)));
    try {
      const statuses = await Promise.all(
        [healthEndpoints.liveness, healthEndpoints.readiness].map(async (probe) => (await fetch(`${server.url}${probe}`)).status),
      );
      expect(statuses).toEqual([200, 200]);
    } finally {
      await server.close();
    }
  });
});

describe('the func.yaml check itself', () => {
  it.each([
    ['a missing specVersion', (f: FuncShape) => delete f.specVersion, 'specVersion: is required'],
    ['a created that is no date-time', (f: FuncShape) => (f.created = 'yesterday'), 'created: must be an RFC 3339 date-time'],
    ['a name that is no DNS label', (f: FuncShape) => (f.name = 'CCP_pipeline'), 'name: "CCP_pipeline" is not a DNS-1123 label'],
    ['an unknown invoke', (f: FuncShape) => (f.invoke = 'grpc'), 'invoke: must be one of http, cloudevent'],
    ['a typo in a field name', (f: FuncShape) => (f.deploy.healthEndpoint = {}), 'deploy.healthEndpoint: is not a func.yaml field'],
    ['an unknown builder', (f: FuncShape) => (f.build.builder = 'kaniko'), 'build.builder: must be one of pack, s2i, host'],
    ['a negative scale', (f: FuncShape) => (f.deploy.options.scale.min = -1), 'deploy.options.scale.min: must be within 0..∞'],
    ['min above max', (f: FuncShape) => (f.deploy.options.scale.min = 20), 'deploy.options.scale: min 20 is above max 10'],
    ['an unknown metric', (f: FuncShape) => (f.deploy.options.scale.metric = 'cpu'), 'deploy.options.scale.metric: must be one of concurrency, rps'],
    [
      'a bad memory quantity',
      (f: FuncShape) => (f.deploy.options.resources.limits.memory = 'lots'),
      'deploy.options.resources.limits.memory: "lots" is not a quantity',
    ],
    [
      'a relative health path',
      (f: FuncShape) => (f.deploy.healthEndpoints.liveness = 'health'),
      'deploy.healthEndpoints.liveness: "health" is not an absolute path',
    ],
    ['a subscription without source', (f: FuncShape) => delete f.deploy.subscriptions[0].source, 'deploy.subscriptions[0].source: is required'],
    [
      'a subscription without type',
      (f: FuncShape) => (f.deploy.subscriptions[0].filters = {}),
      'deploy.subscriptions[0].filters.type: is required (a subscription without it takes every event)',
    ],
    [
      'a subscription the FUNCTION does not accept',
      (f: FuncShape) => (f.deploy.subscriptions[0].filters.type = 'org.centos.ccp.scan.completed'),
      'deploy.subscriptions[0].filters.type: lint does not accept org.centos.ccp.scan.completed',
    ],
    [
      'an unknown FUNCTION',
      (f: FuncShape) => (f.run.envs[0].value = 'no-such-fn'),
      expect.stringMatching(/^run\.envs: FUNCTION must name one of lint, .*not "no-such-fn"$/),
    ],
    [
      'a misspelt variable',
      (f: FuncShape) => f.run.envs.push({ name: 'CCP_S3_BUKET', value: 'x' }),
      expect.stringMatching(/^run\.envs\[\d+\]\.name: CCP_S3_BUKET is not a variable the configuration reads/),
    ],
    [
      'a secret written in the file',
      (f: FuncShape) => (f.run.envs.find((e) => e.name === 'CCP_S3_SECRET_ACCESS_KEY')!.value = 'hunter2'),
      expect.stringMatching(/^run\.envs\[\d+\]\.value: CCP_S3_SECRET_ACCESS_KEY must come from a Secret/),
    ],
    [
      'a malformed placeholder',
      (f: FuncShape) => (f.run.envs[1].value = '{{ vault:ccp }}'),
      'run.envs[1].value: "{{ vault:ccp }}" is not {{ env:VAR }}, {{ secret:name[:key] }} or {{ configMap:name[:key] }}',
    ],
    [
      'a nameless entry that imports nothing',
      (f: FuncShape) => f.run.envs.push({ value: 'plain' }),
      expect.stringMatching(/^run\.envs\[\d+\]: an entry without a name must import a whole Secret or ConfigMap/),
    ],
    ['a deploy namespace that differs', (f: FuncShape) => (f.deploy.namespace = 'other'), 'deploy.namespace: other differs from namespace ccp'],
  ])('refuses %s', (_case, change, expected) => {
    expect(checkFuncYaml(changed(change), context)).toEqual([expected]);
  });

  it('accepts a nameless entry importing a whole Secret', () => {
    expect(
      checkFuncYaml(
        changed((f) => f.run.envs.push({ value: '{{ secret:ccp-smtp }}' })),
        context,
      ),
    ).toEqual([]);
  });

  it('refuses what is no mapping', () => {
    expect(checkFuncYaml('func', context)).toEqual(['(root): must be a mapping']);
  });
});
