import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../shared/config/config';
import { EventTypes } from '../../../shared/events/types';
import { makeEvent } from '../../../shared/events/make';
import type { LintCompletedData } from '../../../shared/events/contracts/lint-completed';
import { createFunctionContext } from '../../../shared/function/context';
import type { ProjectEntry } from '../../../shared/index/types';
import { silentLogger } from '../../../shared/log/logger';
import { startLocalRegistry, type LocalRegistry } from '../../../shared/registry/local-registry';
import { TempObjectStore } from '../../../shared/store/__fixtures__/temp-store';
import { TestBuilder } from '../__fixtures__/test-builder';
import { handle } from '../handle';
import { BuildService, type BuildServiceOptions } from '../service';
import type { BuildContext } from '../service-for';

const COMMIT = 'c0ffee'.padEnd(40, '0');
const ENTRY: ProjectEntry = {
  id: 1,
  appId: 'team',
  jobId: 'web',
  gitUrl: 'file:///srv/git/team.git',
  gitBranch: 'main',
  gitPath: '.',
  targetFile: 'Dockerfile',
  desiredTag: 'latest',
  notifyEmail: [],
  buildContext: './',
  dependsOn: [],
  source: { file: 'index.d/team.yaml', line: 4 },
};

function lintCompleted(buildId: string): ReturnType<typeof makeEvent> {
  const data: LintCompletedData = {
    buildId,
    project: { appId: 'team', jobId: 'web', desiredTag: 'latest' },
    entry: ENTRY,
    commit: COMMIT,
    verdict: 'passed',
    blocking: false,
    failureThreshold: 'error',
    counts: { error: 0, warning: 0, info: 0, style: 0 },
    reports: { json: `reports/team/web/latest/${buildId}/lint.json`, sarif: `reports/team/web/latest/${buildId}/lint.sarif` },
    cause: { kind: 'manual', message: 'by hand' },
    causeChain: [{ kind: 'manual', message: 'by hand' }],
  };
  return makeEvent(EventTypes.lintCompleted, data, { source: '/ccp/lint', id: `${buildId}/lint` });
}

describe('the build service attests what it pushed', () => {
  let dir: string;
  let registry: LocalRegistry;
  let store: TempObjectStore;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-attest-build-'));
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
  });
  afterAll(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    store = new TempObjectStore();
  });

  async function buildWith(attestation: BuildServiceOptions['attestation'], buildId: string): Promise<string> {
    const config = loadConfig({ dataDir: store.inner.root, registry: registry.address }, {});
    const access = { address: registry.address, tlsVerify: false };
    const builds = new BuildService({
      store,
      log: silentLogger,
      builder: new TestBuilder(),
      registry: access,
      concurrency: 1,
      secrets: [],
      ...(attestation ? { attestation } : {}),
    });
    const context: BuildContext = { ...(await createFunctionContext(config, silentLogger, { store })), builds };
    const [event] = await handle(lintCompleted(buildId), context);
    expect(event!.data).toMatchObject({ status: 'succeeded' });
    return (await store.get(`reports/team/web/latest/${buildId}/build.log`))!.body.toString('utf8');
  }

  it('with a key: signs, attests, keeps the provenance with the reports and says so in the build log', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const log = await buildWith({ key, builderId: 'https://ccp.example/b' }, 'b1');
    const tag = `sha256-${'0'.repeat(64)}`;
    expect(log).toContain(`ccp: signed ${registry.address}/team/web:${tag}.sig, attested ${registry.address}/team/web:${tag}.att`);
    const provenance = JSON.parse((await store.get('reports/team/web/latest/b1/provenance.json'))!.body.toString('utf8'));
    expect([provenance.predicate.runDetails.builder.id, provenance.predicate.buildDefinition.resolvedDependencies[0].digest]).toEqual([
      'https://ccp.example/b',
      { gitCommit: COMMIT },
    ]);
    const sig = await fetch(`${registry.url}/v2/team/web/manifests/${tag}.sig`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(sig.status).toEqual(200);
  });

  it('without a key: pushes unsigned, nothing attested', async () => {
    const log = await buildWith(undefined, 'b2');
    expect([log.includes('ccp: signed'), await store.get('reports/team/web/latest/b2/provenance.json')]).toEqual([false, null]);
  });
});
