import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../errors/validation-error';
import { configuredSecrets } from '../redact/secrets';
import { loadConfig } from './config';

describe('the pipeline registry login and TLS mode', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ccp-registry-settings-'));
  const fileWith = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const full = fileWith(
    'full.yaml',
    'registry: reg.example.org:5000\nregistryAuth:\n  username: from-file\n  password: file-pass-1234\nregistryTlsVerify: false\n',
  );

  it.each([
    ['nothing: no login, TLS mode by address', undefined, {}, {}],
    [
      'the variables',
      undefined,
      { CCP_REGISTRY_USERNAME: 'ccp', CCP_REGISTRY_PASSWORD: 'env-pass-1234', CCP_REGISTRY_TLS_VERIFY: 'true' },
      { registryAuth: { username: 'ccp', password: 'env-pass-1234' }, registryTlsVerify: true },
    ],
    ['the file', full, {}, { registryAuth: { username: 'from-file', password: 'file-pass-1234' }, registryTlsVerify: false }],
    [
      'variables over the file',
      full,
      { CCP_REGISTRY_USERNAME: 'env-user', CCP_REGISTRY_PASSWORD: 'env-pass-1234', CCP_REGISTRY_TLS_VERIFY: 'TRUE' },
      { registryAuth: { username: 'env-user', password: 'env-pass-1234' }, registryTlsVerify: true },
    ],
    ['empty variables as unset (func.yaml literals)', undefined, { CCP_REGISTRY_USERNAME: '', CCP_REGISTRY_PASSWORD: '', CCP_REGISTRY_TLS_VERIFY: '' }, {}],
    [
      'an empty username variable falling back to the file',
      full,
      { CCP_REGISTRY_USERNAME: '' },
      { registryAuth: { username: 'from-file', password: 'file-pass-1234' }, registryTlsVerify: false },
    ],
  ])('reads %s', (_name, file, env, expected) => {
    const config = loadConfig(file ? { config: file } : {}, env);
    expect({ registryAuth: config.registryAuth, registryTlsVerify: config.registryTlsVerify }).toEqual({
      registryAuth: undefined,
      registryTlsVerify: undefined,
      ...expected,
    });
  });

  it.each([
    [
      'a username without a password',
      undefined,
      { CCP_REGISTRY_USERNAME: 'ccp' },
      'registryAuth.password: required with registryAuth.username (or set CCP_REGISTRY_PASSWORD)',
    ],
    [
      'a password without a username',
      undefined,
      { CCP_REGISTRY_PASSWORD: 'lonely-pass' },
      'registryAuth.username: required with registryAuth.password (or set CCP_REGISTRY_USERNAME)',
    ],
    [
      'a file username without a password',
      fileWith('half.yaml', 'registryAuth:\n  username: ccp\n'),
      {},
      `${path.join(dir, 'half.yaml')} registryAuth.password: required with registryAuth.username`,
    ],
    [
      'a TLS mode that is not true or false',
      undefined,
      { CCP_REGISTRY_TLS_VERIFY: 'maybe' },
      'registryTlsVerify: must be true or false (CCP_REGISTRY_TLS_VERIFY), not "maybe"',
    ],
    ['a TLS mode of yes (only true and false)', undefined, { CCP_REGISTRY_TLS_VERIFY: 'yes' }, 'registryTlsVerify: must be true or false'],
    [
      'a file TLS mode that is not true or false',
      fileWith('tls.yaml', 'registryTlsVerify: sometimes\n'),
      {},
      `${path.join(dir, 'tls.yaml')} registryTlsVerify: must be true or false`,
    ],
  ])('rejects %s, naming the field', (_name, file, env, message) => {
    const load = (): unknown => loadConfig(file ? { config: file } : {}, env);
    expect(load).toThrow(ValidationError);
    expect(load).toThrow(message);
  });

  it.each([
    ['the variable', undefined, { CCP_REGISTRY_USERNAME: 'ccp', CCP_REGISTRY_PASSWORD: 'env-pass-1234' }, 'env-pass-1234'],
    ['the file', full, {}, 'file-pass-1234'],
  ])('counts the password from %s among the secrets redacted from mails and logs', (_name, file, env, password) => {
    const config = loadConfig(file ? { config: file } : {}, env);
    expect(config.mail?.secrets).toContain(password);
  });
});

describe('the ingress token of the embedded runtime (CCP_INGRESS_TOKEN)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ccp-ingress-settings-'));
  const file = path.join(dir, 'ingress.yaml');
  writeFileSync(file, 'ingressToken: from-the-file-0123456789\n');

  it.each([
    ['unset: the data dir file is used', undefined, {}, undefined],
    ['the variable', undefined, { CCP_INGRESS_TOKEN: 'from-the-env-0123456789' }, 'from-the-env-0123456789'],
    ['the file', file, {}, 'from-the-file-0123456789'],
    ['the variable over the file', file, { CCP_INGRESS_TOKEN: 'from-the-env-0123456789' }, 'from-the-env-0123456789'],
    ['an empty variable as unset', file, { CCP_INGRESS_TOKEN: '' }, 'from-the-file-0123456789'],
  ])('reads %s, and counts it among the secrets redacted', (_name, config, env, expected) => {
    const loaded = loadConfig(config ? { config } : {}, env);
    expect(loaded.ingressToken).toEqual(expected);
    if (expected) expect(configuredSecrets(loaded)).toContain(expected);
  });

  it.each([
    ['a short token', 'short-token'],
    ['a token with a space', 'two words of a token here'],
  ])('rejects %s, naming the field', (_name, token) => {
    const load = (): unknown => loadConfig({}, { CCP_INGRESS_TOKEN: token });
    expect(load).toThrow(ValidationError);
    expect(load).toThrow('ingressToken: must be 16 or more printable characters without spaces (CCP_INGRESS_TOKEN)');
  });
});
