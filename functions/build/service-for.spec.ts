import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../shared/config/config';
import { createLogger, silentLogger } from '../../shared/log/logger';
import { AttestationKeyError } from './attest/attest-image';
import { FsObjectStore } from '../../shared/store/fs-store';
import { createFunctionContext } from '../../shared/function/context';
import { withServices } from '../../shared/function/services';
import { buildFunction } from './index';
import { buildServices, signingSettings } from './service-for';

describe('buildServices', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-service-for-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['no CCP_BUILDER', {}, 'local'],
    ['CCP_BUILDER=local', { CCP_BUILDER: 'local' }, 'local'],
    ['CCP_BUILDER=kubernetes (the cluster)', { CCP_BUILDER: 'kubernetes' }, 'kubernetes'],
  ])('builds on the backend the configuration selects: %s', async (_name, env, backend) => {
    const config = loadConfig({ dataDir: dir }, env);
    const context = await createFunctionContext(config, silentLogger, { store: new FsObjectStore(path.join(dir, 'store')) });
    expect(buildServices(context).builds.backend).toEqual(backend);
  });

  it('is what the build function declares: its context carries the one build service of the process', async () => {
    const base = await createFunctionContext(loadConfig({ dataDir: dir }, {}), silentLogger, { store: new FsObjectStore(path.join(dir, 'store')) });
    const { context, dispose } = withServices(buildFunction, base);
    expect([context.builds.backend, context.store]).toEqual(['local', base.store]);
    await expect(dispose()).resolves.toBeUndefined();
  });

  /** The build services of a configuration, with the messages they logged. */
  const servicesOf = async (env: NodeJS.ProcessEnv) => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (line) => void lines.push((JSON.parse(line) as { msg: string }).msg) });
    const config = loadConfig({ dataDir: dir, registry: '127.0.0.1:5000' }, env);
    const context = await createFunctionContext(config, log, { store: new FsObjectStore(path.join(dir, 'store')) });
    return { services: buildServices(context), lines };
  };
  const keyFiles = () => ({
    CCP_SIGNING_KEY_FILE: path.join(dir, 'signing', 'signing-key.asc'),
    CCP_SIGNING_KEY_PASSPHRASE_FILE: path.join(dir, 'signing', 'signing-key-passphrase'),
    CCP_ATTESTATION_KEY_FILE: path.join(dir, 'signing', 'attestation-key.pem'),
  });

  it('runs with the keys off when the files the settings name do not exist (the cluster without the Secret ccp-signing)', async () => {
    const env = keyFiles();
    const { services, lines } = await servicesOf(env);
    expect(services.attachSbom).toBeUndefined();
    expect(lines).toEqual([
      `no attestation key (CCP_ATTESTATION_KEY_FILE) at ${env.CCP_ATTESTATION_KEY_FILE}: off`,
      `no signing key (CCP_SIGNING_KEY_FILE) at ${env.CCP_SIGNING_KEY_FILE}: off`,
    ]);
  });

  it('attests with an attestation key that is there, and still refuses one that is not ECDSA P-256', async () => {
    const env = keyFiles();
    await mkdir(path.dirname(env.CCP_ATTESTATION_KEY_FILE));
    await writeFile(env.CCP_ATTESTATION_KEY_FILE, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const { services, lines } = await servicesOf(env);
    expect(typeof services.attachSbom).toEqual('function');
    expect(lines).toEqual([`no signing key (CCP_SIGNING_KEY_FILE) at ${env.CCP_SIGNING_KEY_FILE}: off`]);
    await writeFile(env.CCP_ATTESTATION_KEY_FILE, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(servicesOf(env)).rejects.toThrow(AttestationKeyError);
  });

  it('signs with a signing key that is there (no line says it is off)', async () => {
    const env = keyFiles();
    await mkdir(path.dirname(env.CCP_SIGNING_KEY_FILE));
    await writeFile(env.CCP_SIGNING_KEY_FILE, 'an armored key, read by gpg at the first signature\n');
    const { lines } = await servicesOf(env);
    expect(lines).toEqual([`no attestation key (CCP_ATTESTATION_KEY_FILE) at ${env.CCP_ATTESTATION_KEY_FILE}: off`]);
  });

  it('signs without a passphrase when the passphrase file is absent, and with it when it is there', async () => {
    const env = keyFiles();
    await mkdir(path.dirname(env.CCP_SIGNING_KEY_FILE));
    await writeFile(env.CCP_SIGNING_KEY_FILE, 'an armored key\n');
    const contextOf = async () => createFunctionContext(loadConfig({ dataDir: dir }, env), silentLogger, { store: new FsObjectStore(path.join(dir, 'store')) });
    // registryApi: the default, auto (signatures also go to a registry advertising the extension).
    expect(signingSettings(await contextOf())).toEqual({ keyFile: env.CCP_SIGNING_KEY_FILE, registryApi: 'auto' });
    await writeFile(env.CCP_SIGNING_KEY_PASSPHRASE_FILE, 'secret\n');
    expect(signingSettings(await contextOf())).toEqual({
      keyFile: env.CCP_SIGNING_KEY_FILE,
      passphraseFile: env.CCP_SIGNING_KEY_PASSPHRASE_FILE,
      registryApi: 'auto',
    });
  });
});
