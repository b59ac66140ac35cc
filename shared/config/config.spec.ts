import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../errors/validation-error';
import { loadConfig } from './config';

describe('loadConfig', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ccp-config-'));
  const file = path.join(dir, 'ccp.yaml');
  writeFileSync(file, 'dataDir: /from/file\nregistry: file:5000\nlint:\n  failureThreshold: warning\n');

  it('uses defaults without flags, variables or file', () => {
    const config = loadConfig({}, {});
    expect({ dataDir: config.dataDir, registry: config.registry, store: config.store, lint: config.lint }).toEqual({
      dataDir: path.resolve('.ccp'),
      registry: '',
      store: { kind: 'fs' },
      lint: { failureThreshold: 'error', shellcheck: true },
    });
  });

  it.each([
    ['no key: nothing attested', {}, undefined],
    ['a key', { CCP_ATTESTATION_KEY_FILE: '/keys/a.pem' }, { keyFile: '/keys/a.pem' }],
    [
      'a key and a builder id',
      { CCP_ATTESTATION_KEY_FILE: '/keys/a.pem', CCP_ATTESTATION_BUILDER_ID: 'https://ccp.example/b' },
      { keyFile: '/keys/a.pem', builderId: 'https://ccp.example/b' },
    ],
  ])('reads the attestation settings from the environment it is given: %s', (_name, env, expected) => {
    expect(loadConfig({}, env).attestation).toEqual(expected);
  });

  it.each([
    ['the file', {}, {}, '/from/file', 'file:5000'],
    ['a variable over the file', {}, { CCP_DATA_DIR: '/from/env', CCP_REGISTRY: 'env:5000' }, '/from/env', 'env:5000'],
    ['a flag over a variable', { dataDir: '/from/flag', registry: 'flag:5000' }, { CCP_DATA_DIR: '/from/env' }, '/from/flag', 'flag:5000'],
  ])('takes settings from %s', (_name, flags, env, dataDir, registry) => {
    const config = loadConfig({ config: file, ...flags }, env);
    expect([config.dataDir, config.registry, config.lint.failureThreshold]).toEqual([dataDir, registry, 'warning']);
  });

  it('reads the S3 settings from variables', () => {
    const config = loadConfig({}, { CCP_STORE: 's3', CCP_S3_BUCKET: 'reports', CCP_S3_ENDPOINT: 'http://127.0.0.1:7480', CCP_S3_FORCE_PATH_STYLE: 'false' });
    expect(config.store).toEqual({
      kind: 's3',
      s3: {
        endpoint: 'http://127.0.0.1:7480',
        bucket: 'reports',
        region: 'us-east-1',
        accessKeyId: undefined,
        secretAccessKey: undefined,
        forcePathStyle: false,
      },
    });
  });

  it.each([
    ['an unknown store', { CCP_STORE: 'ftp' }, 'store.kind: must be "fs" or "s3", not "ftp"'],
    ['s3 without a bucket', { CCP_STORE: 's3' }, 'store.s3.bucket: required when the store is s3'],
    ['a bad threshold', { CCP_LINT_FAILURE_THRESHOLD: 'fatal' }, 'lint.failureThreshold: must be one of'],
  ])('rejects %s', (_name, env, message) => {
    expect(() => loadConfig({}, env)).toThrow(ValidationError);
    expect(() => loadConfig({}, env)).toThrow(message);
  });

  it('names the config file that cannot be read', () => {
    expect(() => loadConfig({ config: path.join(dir, 'missing.yaml') }, {})).toThrow(`cannot read the configuration file: ${path.join(dir, 'missing.yaml')}`);
  });
});
