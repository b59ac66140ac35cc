import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../shared/log/logger';
import { RegistryClient } from '../../shared/registry/registry-client';
import { FsObjectStore } from '../../shared/store/fs-store';
import { inIndexParents, parentSignaturesRun } from './parent-signatures';

const REGISTRY = '127.0.0.1:5000';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('the parents a scan checks', () => {
  it.each([
    [
      'an index image in the pipeline registry',
      ['team/base:latest'],
      `${REGISTRY}/team/base:latest`,
      [{ name: 'team/base:latest', ref: `${REGISTRY}/team/base:latest`, digest: DIGEST }],
    ],
    ['an external base image', ['team/base:latest'], 'quay.io/centos/centos:stream9', []],
    ['the same path in another registry', ['team/base:latest'], `registry.example.org/team/base:latest`, []],
    ['an image of the pipeline registry no index entry names', [], `${REGISTRY}/team/base:latest`, []],
  ])('%s', (_name, baseImages, ref, expected) => {
    expect(inIndexParents({ baseImages, baseImageDigests: [{ ref, digest: DIGEST }] }, REGISTRY)).toEqual(expected);
  });
});

describe('the parent-signatures section without anything to check', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-scan-parents-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const input = (policy: 'off' | 'enforce', buildId?: string) => ({
    settings: { policy, cosignPublicKeyFile: path.join(dir, 'unused.pub') },
    client: new RegistryClient(),
    store: new FsObjectStore(path.join(dir, 'store')),
    registry: REGISTRY,
    project: { appId: 'team', jobId: 'app', desiredTag: 'latest' },
    ...(buildId ? { buildId } : {}),
    log: silentLogger,
  });

  it('is absent when the policy is off', async () => {
    expect(await parentSignaturesRun(input('off', 'b1'))).toBeNull();
  });

  it.each([
    ['a rescan without a build id', undefined, 'no build names the parents of this image (a rescan without a build id)'],
    ['a build id without a record', 'b404', 'no build record of b404'],
  ])('is skipped for %s', async (_name, buildId, reason) => {
    const run = await parentSignaturesRun(input('enforce', buildId));
    expect(run?.result).toEqual({ status: 'skipped', reason, findings: [], packages: [] });
    expect(run?.scanner.id).toBe('parent-signatures');
  });
});
