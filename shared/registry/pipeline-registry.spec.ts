import { loadConfig } from '../config/config';
import { pipelineRegistryCredentials, pipelineRegistryOptions, registryAccess, registryClientFor } from './pipeline-registry';

const LOGIN = { CCP_REGISTRY_USERNAME: 'pusher', CCP_REGISTRY_PASSWORD: 'pipeline-pass-42' };

describe('registryAccess', () => {
  it.each([
    ['no registry', {}, null],
    ['a remote registry: TLS verified, no login', { CCP_REGISTRY: 'reg.example.org:5000' }, { address: 'reg.example.org:5000', tlsVerify: true }],
    ['a loopback registry: plain http', { CCP_REGISTRY: '127.0.0.1:5000' }, { address: '127.0.0.1:5000', tlsVerify: false }],
    ['localhost', { CCP_REGISTRY: 'localhost:5000' }, { address: 'localhost:5000', tlsVerify: false }],
    [
      'CCP_REGISTRY_TLS_VERIFY=false on a remote registry',
      { CCP_REGISTRY: 'reg.example.org', CCP_REGISTRY_TLS_VERIFY: 'false' },
      { address: 'reg.example.org', tlsVerify: false },
    ],
    [
      'CCP_REGISTRY_TLS_VERIFY=true on loopback',
      { CCP_REGISTRY: '127.0.0.1:5000', CCP_REGISTRY_TLS_VERIFY: 'true' },
      { address: '127.0.0.1:5000', tlsVerify: true },
    ],
    [
      'a login',
      { CCP_REGISTRY: 'reg.example.org:5000', ...LOGIN },
      { address: 'reg.example.org:5000', tlsVerify: true, username: 'pusher', password: 'pipeline-pass-42' },
    ],
  ])('%s', (_name, env, expected) => {
    expect(registryAccess(loadConfig({}, env))).toEqual(expected);
  });
});

describe('pipelineRegistryCredentials', () => {
  const credentials = pipelineRegistryCredentials(loadConfig({}, { CCP_REGISTRY: 'Reg.Example.org:5000', ...LOGIN }));

  it.each([
    ['the configured registry', 'reg.example.org:5000', { username: 'pusher', password: 'pipeline-pass-42' }],
    ['docker.io (a FROM base image)', 'docker.io', undefined],
    ['registry-1.docker.io', 'registry-1.docker.io', undefined],
    ['the same host on another port', 'reg.example.org:5001', undefined],
    ['the same host without its port', 'reg.example.org', undefined],
    ['a host that only starts like it', 'reg.example.org:5000.evil.example', undefined],
  ])('answers for %s: %j', (_name, registry, expected) => {
    expect(credentials(registry)).toEqual(expected);
  });

  it('has nothing to give without a login or without a registry', () => {
    expect(pipelineRegistryCredentials(loadConfig({}, { CCP_REGISTRY: 'reg.example.org:5000' }))('reg.example.org:5000')).toBeUndefined();
    expect(pipelineRegistryCredentials(loadConfig({}, LOGIN))('')).toBeUndefined();
  });
});

describe('registryClientFor', () => {
  it.each([
    ['verified TLS: https', { CCP_REGISTRY: 'reg.example.org:5000' }, 'https://reg.example.org:5000'],
    [
      'CCP_REGISTRY_TLS_VERIFY=false: the registry is insecure (http)',
      { CCP_REGISTRY: 'reg.example.org:5000', CCP_REGISTRY_TLS_VERIFY: 'false' },
      'http://reg.example.org:5000',
    ],
    ['loopback: http as always', { CCP_REGISTRY: '127.0.0.1:5000' }, 'http://127.0.0.1:5000'],
  ])('%s', (_name, env, url) => {
    const config = loadConfig({}, env);
    expect(registryClientFor(config).baseUrl(config.registry)).toEqual(url);
    // Only the pipeline's registry is insecure; every other one stays https.
    expect(registryClientFor(config).baseUrl('docker.io')).toEqual('https://docker.io');
  });

  it('keeps the options it is given beside its own', () => {
    const options = pipelineRegistryOptions(loadConfig({}, { CCP_REGISTRY: 'reg.example.org', CCP_REGISTRY_TLS_VERIFY: 'false' }), {
      timeoutMs: 5000,
      insecureRegistries: ['mirror.example.org'],
    });
    expect(options).toMatchObject({ timeoutMs: 5000, insecureRegistries: ['mirror.example.org', 'reg.example.org'] });
    expect(typeof options.credentials).toEqual('function');
  });

  it.each([
    ['the pipeline registry only', { CCP_REGISTRY: 'Reg.example.org:5000' }, ['reg.example.org:5000'], 'quay.io'],
    [
      'and the allow-list',
      { CCP_REGISTRY: 'reg.example.org:5000', CCP_SCAN_ALLOWED_REGISTRIES: 'quay.io' },
      ['reg.example.org:5000', 'quay.io'],
      '169.254.169.254',
    ],
    ['no registry, no allow-list: nothing', {}, [], '127.0.0.1:5000'],
  ])('allows %s', (_name, env, allowed, refused) => {
    const client = registryClientFor(loadConfig({}, env));
    expect([allowed.map((registry) => client.allows(registry)), client.allows(refused)]).toEqual([allowed.map(() => true), false]);
  });
});
