import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runProjects } from '../../cli/commands/run';
import { startServedRuntime, type ServedRuntime } from '../../cli/runtime';
import { removeStorage } from '../../shared/builds/storage';
import { loadConfig } from '../../shared/config/config';
import { createLocalRepo } from '../../shared/git/local-repo';
import type { ProjectEntry } from '../../shared/index/types';
import { silentLogger } from '../../shared/log/logger';
import { freePort } from '../../shared/registry/local-registry';
import { generateSigningKey } from '../../shared/signing/simple-signing';

/**
 * The whole way, `ccp run` on `ccp serve`'s runtime with `CCP_PARENT_SIGNATURES=enforce` and no
 * signing key: the parent builds and is pushed unsigned, so its child is refused, not built, and
 * the run's summary says why.
 */
describe('ccp run refuses to build on a parent that is not signed (enforce)', () => {
  let dir: string;
  let served: ServedRuntime;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-parents-run-'));
    const key = await generateSigningKey({ outDir: path.join(dir, 'keys'), userId: 'ccp parents run <ccp@localhost>' });
    const port = await freePort();
    const config = loadConfig(
      { dataDir: path.join(dir, 'data') },
      { CCP_PARENT_SIGNATURES: 'enforce', CCP_SIGNING_PUBLIC_KEY_FILE: key.publicKeyFile, CCP_SIGNING_LOOKASIDE_URL: `http://127.0.0.1:${port}/sigstore` },
    );
    served = await startServedRuntime(config, silentLogger, { port });
  }, 60_000);

  afterAll(async () => {
    await served?.close();
    await removeStorage(path.join(dir, 'data', 'buildah', 'storage'), path.join(dir, 'data', 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  it('builds the parent, refuses the child naming the parent, its digest and why', async () => {
    const repo = await createLocalRepo('main', path.join(dir, 'repo'));
    await repo.commit(
      {
        'base/Dockerfile': 'FROM scratch\nCOPY file.txt /file.txt\n',
        'base/file.txt': 'an unsigned parent\n',
        'app/Dockerfile': 'FROM parents/base:latest\nCOPY file.txt /app.txt\n',
        'app/file.txt': 'a child\n',
      },
      'parent and child',
    );
    const entry = (jobId: string, dependsOn: string[]): ProjectEntry => ({
      id: 1,
      appId: 'parents',
      jobId,
      gitUrl: repo.url,
      gitBranch: 'main',
      gitPath: jobId,
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: [],
      buildContext: './',
      dependsOn,
      source: { file: 'index.d/parents.yaml', line: 1 },
    });
    const entries = [entry('base', []), entry('app', ['parents/base:latest'])];
    const lines: string[] = [];
    const { projects } = await runProjects(served.runtime, entries, entries, (line) => lines.push(line));
    const [base, app] = projects;
    expect(base!.build).toMatchObject({ status: 'succeeded' });
    const digest = (base!.build as { digest?: string }).digest!;
    const ref = `${served.runtime.registry!.address}/parents/base:latest`;
    const reason = `refused: parent parents/base:latest (${ref}@${digest}) signature does not verify (no signature: no signature at the lookaside)`;
    expect({ buildId: app!.buildId, build: app!.build }).toEqual({ buildId: null, build: { status: 'failed', reason } });
    expect(lines).toContain(`[refused] parents/app:latest: ${reason}`);
  }, 240_000);
});
