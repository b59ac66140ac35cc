import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../shared/log/logger';
import { RegistryClient } from '../../shared/registry/registry-client';
import { FsObjectStore } from '../../shared/store/fs-store';
import { builtParent, parentSignaturesRun } from './parent-signatures';

const REGISTRY = '127.0.0.1:5000';

describe('the digest of a parent a scan checks', () => {
  const ref = `${REGISTRY}/team/base:latest`;
  const digest = (n: number): string => `sha256:${String(n).repeat(64)}`;
  const build = (n: number, finishedAt: string, status: 'succeeded' | 'failed' = 'succeeded') => ({
    status,
    image: { ref, digest: digest(n) },
    timings: { queuedAt: finishedAt, finishedAt },
  });
  const BUILDS = [
    build(1, '2026-12-01T10:00:00Z'),
    build(2, '2026-12-01T12:00:00Z'),
    build(3, '2026-12-01T11:00:00Z', 'failed'),
    build(4, '2026-12-02T09:00:00Z'),
  ];
  const child = (startedAt: string, pulled?: string) => ({
    timings: { queuedAt: startedAt, startedAt },
    ...(pulled ? { baseImageDigests: [{ ref, digest: pulled }] } : {}),
  });

  it.each([
    ['the digest the child pulled, when a parent build pushed it', child('2026-12-01T13:00:00Z', digest(1)), BUILDS, digest(1)],
    ['the last successful parent build before the child started', child('2026-12-01T13:00:00Z'), BUILDS, digest(2)],
    ['not a failed build, nor one that ended after', child('2026-12-01T11:30:00Z'), BUILDS, digest(1)],
    ["the time rule when the pulled digest is buildah's own, no parent build's", child('2026-12-01T13:00:00Z', digest(9)), BUILDS, digest(2)],
    ['none: no parent build before the child', child('2026-12-01T09:00:00Z'), BUILDS, null],
    ['none: ccp never built the parent (external)', child('2026-12-01T13:00:00Z', digest(1)), [], null],
  ])('%s', (_name, record, builds, expected) => {
    expect(builtParent('team/base:latest', record, builds)).toEqual(expected ? { name: 'team/base:latest', ref, digest: expected } : null);
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
