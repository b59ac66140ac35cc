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
import type { ScanReport } from '../../shared/reports/types';
import { reportKey } from '../../shared/store/keys';
import { generateSigningKey } from '../../shared/signing/simple-signing';

/**
 * The whole way, `ccp run` on `ccp serve`'s runtime with `CCP_PARENT_SIGNATURES=enforce`: with a
 * signing key the parent is signed after its push, the child builds on it and its scan finds the
 * parent (at the digest buildah pulled, from the build record) verified; without one the parent is
 * pushed unsigned, so its child is refused, not built, and the run's summary says why.
 */
describe('ccp run with CCP_PARENT_SIGNATURES=enforce', () => {
  let dir: string;
  let served: ServedRuntime | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-parents-run-'));
  });

  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  afterAll(async () => {
    for (const data of ['signed', 'unsigned']) await removeStorage(path.join(dir, data, 'buildah', 'storage'), path.join(dir, data, 'buildah', 'run'));
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['signed', true],
    ['unsigned', false],
  ])(
    'a parent %s by the pipeline: its child is built on it, or refused naming the parent, its digest and why',
    async (label, signs) => {
      const key = await generateSigningKey({ outDir: path.join(dir, `keys-${label}`), userId: 'ccp parents run <ccp@localhost>' });
      const port = await freePort();
      const config = loadConfig(
        { dataDir: path.join(dir, label) },
        {
          CCP_PARENT_SIGNATURES: 'enforce',
          CCP_SIGNING_PUBLIC_KEY_FILE: key.publicKeyFile,
          CCP_SIGNING_LOOKASIDE_URL: `http://127.0.0.1:${port}/sigstore`,
          ...(signs ? { CCP_SIGNING_KEY_FILE: key.secretKeyFile } : {}),
        },
      );
      served = await startServedRuntime(config, silentLogger, { port });
      const repo = await createLocalRepo('main', path.join(dir, `repo-${label}`));
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
      if (!signs) {
        const reason = `refused: parent parents/base:latest (${ref}@${digest}) signature does not verify (no signature: no signature at the lookaside)`;
        expect({ buildId: app!.buildId, build: app!.build }).toEqual({ buildId: null, build: { status: 'failed', reason } });
        expect(lines).toContain(`[refused] parents/app:latest: ${reason}`);
        return;
      }
      expect(app!.build).toMatchObject({ status: 'succeeded' });
      const project = { appId: 'parents', jobId: 'app', desiredTag: 'latest' };
      const stored = await served.runtime.context.store.get(reportKey(project, app!.buildId!, 'scan.json'));
      const section = (JSON.parse(stored!.body.toString('utf8')) as ScanReport).scanners['parent-signatures'];
      expect({ status: section?.status, findings: section?.findings, notes: section?.notes }).toEqual({
        status: 'ok',
        findings: [],
        notes: [`parents/base:latest (${ref}@${digest}): signature verified`],
      });
    },
    240_000,
  );
});
