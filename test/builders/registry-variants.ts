import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../shared/registry/local-registry';

/** The htpasswd fixture's user and password (bcrypt cost 5, made with Python's crypt). */
export const REGISTRY_USER = 'pusher';
export const REGISTRY_PASSWORD = 'ccp-test-Registry-Pass-5150';
export const HTPASSWD = path.join(__dirname, '__fixtures__', 'htpasswd');

export interface RegistryVariant {
  address: string;
  stop(): Promise<void>;
}

/**
 * A `docker-registry` the shared helper does not start: one that asks for Basic auth
 * (htpasswd), or one in read-only maintenance mode over another registry's storage, which
 * refuses every push as a registry under maintenance does.
 * @see https://distribution.github.io/distribution/about/configuration/#maintenance
 */
export async function startRegistryVariant(options: { dir: string; storageDir?: string; readonly?: boolean; htpasswd?: string }): Promise<RegistryVariant> {
  await mkdir(options.dir, { recursive: true });
  const address = `127.0.0.1:${await freePort()}`;
  const config = {
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: options.storageDir ?? path.join(options.dir, 'storage') },
      ...(options.readonly ? { maintenance: { readonly: { enabled: true } } } : {}),
    },
    http: { addr: address },
    ...(options.htpasswd ? { auth: { htpasswd: { realm: 'ccp-test', path: options.htpasswd } } } : {}),
  };
  const configFile = path.join(options.dir, 'config.yml');
  await writeFile(configFile, stringify(config));
  const child = spawn('docker-registry', ['serve', configFile], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await fetch(`http://${address}/v2/`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200 || status === 401) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry variant on ${address} did not start`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    address,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
