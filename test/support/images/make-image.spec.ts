import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startLocalRegistry, type LocalRegistry } from '../../../shared/registry/local-registry';
import { busyboxRootfs } from './busybox-rootfs';
import { canonicalJson, makeImage, pushBaseImage, recipeKey, splitRef } from './make-image';
import { BUSYBOX_IMAGE } from './recipes';
import type { ImageRecipe } from './types';

const exec = promisify(execFile);

interface Inspected {
  Digest: string;
  Labels: Record<string, string> | null;
  Layers: string[];
  Os: string;
}

async function inspect(ref: string): Promise<Inspected> {
  const { stdout } = await exec('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
  return JSON.parse(stdout) as Inspected;
}

const RPM_IMAGE: ImageRecipe = {
  rootfs: {
    kind: 'rpm',
    rpms: [
      {
        name: 'ccp-hello',
        version: '1.0',
        release: '1',
        arch: 'noarch',
        files: [
          { path: '/usr/share/ccp-hello/hello.txt', content: 'hello\n' },
          { path: '/etc/ccp-hello.conf', content: 'greeting=hello\n', config: true },
        ],
      },
    ],
    repos: { 'ccp.repo': '[ccp]\nname=ccp\nbaseurl=http://127.0.0.1:9/repo/\nenabled=1\ngpgcheck=0\n' },
  },
  config: { labels: { kind: 'rpm' } },
};

describe('base images without the internet', () => {
  let dir: string;
  let registry: LocalRegistry;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ccp-images-'));
    registry = await startLocalRegistry({ dir: path.join(dir, 'registry') });
  });

  afterAll(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('pushes a busybox image that skopeo reads back with its labels; the second time from the cache', async () => {
    const cacheDir = path.join(dir, 'cache');
    const cold = await pushBaseImage(BUSYBOX_IMAGE, { ref: 'sample/base:latest', registry: registry.address }, { cacheDir });
    const warm = await pushBaseImage(BUSYBOX_IMAGE, { ref: 'other/base:1', registry: registry.address }, { cacheDir });
    expect([cold.cached, warm.cached, warm.digest]).toEqual([false, true, cold.digest]);
    expect(cold.ref).toBe(`${registry.address}/sample/base:latest`);
    const inspected = await inspect(cold.ref);
    expect({ digest: inspected.Digest, labels: inspected.Labels, layers: inspected.Layers.length, os: inspected.Os }).toEqual({
      digest: cold.digest,
      labels: BUSYBOX_IMAGE.config!.labels,
      layers: 1,
      os: 'linux',
    });
    expect((await readdir(cacheDir)).filter((name) => !name.startsWith('.'))).toEqual([recipeKey(BUSYBOX_IMAGE)]);
  });

  it('an RPM image has a real rpmdb that rpm -qa and rpm -Va read, and its repo file', async () => {
    const pushed = await pushBaseImage(RPM_IMAGE, { ref: 'sample/rpm:latest', registry: registry.address }, { cacheDir: path.join(dir, 'cache') });
    const unpacked = path.join(dir, 'unpacked');
    await exec('skopeo', ['copy', '--src-tls-verify=false', `docker://${pushed.ref}`, `oci:${path.join(dir, 'oci')}:x`]);
    await exec('umoci', ['unpack', '--image', `${path.join(dir, 'oci')}:x`, unpacked]);
    const rootfs = path.join(unpacked, 'rootfs');
    const { stdout } = await exec('rpm', ['--root', rootfs, '--dbpath', '/var/lib/rpm', '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n']);
    expect(stdout.trim().split('\n')).toEqual(['ccp-hello-1.0-1.noarch']);
    await expect(exec('rpm', ['--root', rootfs, '--dbpath', '/var/lib/rpm', '-Va'])).resolves.toBeDefined();
    const { stdout: repo } = await exec('cat', [path.join(rootfs, 'etc/yum.repos.d/ccp.repo')]);
    expect(repo).toContain('baseurl=http://127.0.0.1:9/repo/');
  });

  it('makes an image of a given folder', async () => {
    const rootfs = await busyboxRootfs(path.join(dir, 'rootfs'), [{ path: '/etc/motd', content: 'hi\n' }]);
    const pushed = await makeImage({ rootfs, config: { cmd: ['/bin/true'], user: 'nobody' }, ref: 'made/one:2', registry: registry.address });
    expect((await inspect(pushed.ref)).Digest).toBe(pushed.digest);
  });

  it.each([
    ['sample/base:latest', { repository: 'sample/base', tag: 'latest' }],
    ['base', { repository: 'base', tag: 'latest' }],
    ['a/b/c:1.0', { repository: 'a/b/c', tag: '1.0' }],
  ])('splitRef(%s)', (ref, expected) => {
    expect(splitRef(ref)).toEqual(expected);
  });

  it('refuses a reference with a registry host in it', () => {
    expect(() => splitRef('127.0.0.1:5000/a/b:1')).toThrow('not a repository[:tag] reference');
  });

  it('keys equal recipes equally whatever their key order, and different recipes differently', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(recipeKey({ config: { cmd: ['/bin/sh'] }, rootfs: { kind: 'busybox' } })).toBe(
      recipeKey({ rootfs: { kind: 'busybox' }, config: { cmd: ['/bin/sh'] } }),
    );
    expect(recipeKey(BUSYBOX_IMAGE)).not.toBe(recipeKey(RPM_IMAGE));
  });
});
