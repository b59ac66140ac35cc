import type { Issue } from '../errors/validation-error';
import { loadBuilderSettings } from './build-settings';

describe('loadBuilderSettings', () => {
  it('defaults to the local backend with its storage under the data dir', () => {
    const issues: Issue[] = [];
    expect(loadBuilderSettings({}, {}, '/data', {}, issues)).toEqual({
      builder: 'local',
      buildah: { root: '/data/buildah/storage', runroot: '/data/buildah/run' },
      kubernetes: { namespace: 'ccp', image: 'quay.io/buildah/stable:v1.28.2', gitImage: 'docker.io/alpine/git:v2.45.2', serviceAccount: 'ccp-build-job' },
    });
    expect(issues).toEqual([]);
  });

  it('takes the environment over the file', () => {
    const settings = loadBuilderSettings(
      { builder: 'local', buildah: { root: '/file/root' }, kubernetes: { namespace: 'from-file', registrySecret: 'file-secret' } },
      { CCP_BUILDER: 'kubernetes', CCP_BUILDAH_STORAGE_DRIVER: 'vfs', CCP_K8S_NAMESPACE: 'builds' },
      '/data',
      {},
      [],
    );
    expect(settings).toEqual({
      builder: 'kubernetes',
      buildah: { root: '/file/root', runroot: '/data/buildah/run', storageDriver: 'vfs' },
      kubernetes: expect.objectContaining({ namespace: 'builds', registrySecret: 'file-secret' }),
    });
  });

  it.each([
    [{ CCP_BUILDER: 'docker' }, 'builder', 'must be "local" or "kubernetes", not "docker" (CCP_BUILDER)'],
    [{ CCP_BUILDAH_STORAGE_DRIVER: 'btrfs' }, 'buildah.storageDriver', 'must be "overlay" or "vfs", not "btrfs" (CCP_BUILDAH_STORAGE_DRIVER)'],
  ])('%j is reported with its field', (env, field, message) => {
    const issues: Issue[] = [];
    loadBuilderSettings({}, env, '/data', { file: 'ccp.yaml' }, issues);
    expect(issues).toEqual([{ file: 'ccp.yaml', field, message }]);
  });
});
