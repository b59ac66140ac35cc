import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runProjects } from '../../cli/commands/run';
import { startServedRuntime, type ServedRuntime } from '../../cli/runtime';
import { removeStorage } from '../../shared/builds/storage';
import { loadConfig } from '../../shared/config/config';
import { createLocalRepo } from '../../shared/git/local-repo';
import type { ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { generateSigningKey, type GeneratedKey } from '../../shared/signing/simple-signing';
import { copyUnderTrust, writeSignedByTrust } from '../support/skopeo-policy';

const exec = promisify(execFile);

/**
 * The whole way: `ccp serve`'s runtime with CCP_SIGNING_KEY_FILE builds a project with buildah,
 * pushes it, signs it in the build function, serves the signature at /sigstore/, and skopeo
 * copies the image under a policy that requires ccp's key.
 */
describe('a build of the embedded runtime, signed and verified by skopeo', () => {
  let dir: string;
  let served: ServedRuntime;
  let key: GeneratedKey;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-signing-e2e-'));
    key = await generateSigningKey({ outDir: path.join(dir, 'keys'), userId: 'ccp e2e <ccp@localhost>' });
    const config = loadConfig({ dataDir: path.join(dir, 'data') }, { CCP_SIGNING_KEY_FILE: key.secretKeyFile });
    served = await startServedRuntime(config, silentLogger, { port: 0 });
  }, 60_000);

  afterAll(async () => {
    await served?.close();
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  it('signs what it built and pushed, so a signedBy policy admits it', async () => {
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    await repo.commit({ 'app/Dockerfile': 'FROM scratch\nCOPY file.txt /file.txt\n', 'app/file.txt': 'signed by the pipeline\n' }, 'app');
    const entry: ProjectEntry = {
      id: 1,
      appId: 'signing',
      jobId: 'app',
      gitUrl: repo.url,
      gitBranch: 'main',
      gitPath: 'app',
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: [],
      buildContext: './',
      dependsOn: [],
      source: { file: 'index.d/signing.yaml', line: 1 },
    };
    const [summary] = (await runProjects(served.runtime, [entry], [entry], () => undefined)).projects;
    expect(summary!.build).toMatchObject({ status: 'succeeded' });
    const registry = served.runtime.registry!;
    const ref = `${registry.address}/signing/app:latest`;

    const trust = await writeSignedByTrust(dir, [registry.address], key.publicKeyFile, { [registry.address]: `${served.server.url}/sigstore` });
    const creds = `${registry.login!.username}:${registry.login!.password}`;
    expect(await copyUnderTrust(trust, ref, creds)).toBeNull();

    // The same image under a tag the pipeline never signed is refused: the signature names :latest.
    await exec('skopeo', [
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src-creds',
      creds,
      '--dest-creds',
      creds,
      `docker://${ref}`,
      `docker://${registry.address}/signing/app:other`,
    ]);
    expect(await copyUnderTrust(trust, `${registry.address}/signing/app:other`, creds)).toContain('is not accepted');
  }, 240_000);
});
