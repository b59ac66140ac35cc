import type { BuildSpec } from '../../../../../shared/builds/builder-types';
import type { KubernetesBuildSettings } from '../../../../../shared/config/build-settings';

export const SETTINGS: KubernetesBuildSettings = {
  namespace: 'ccp',
  image: 'quay.io/buildah/stable:v1.28.2',
  gitImage: 'docker.io/alpine/git:v2.45.2',
  serviceAccount: 'ccp-build-job',
  registrySecret: 'ccp-registry',
};

/** A build of `sample/child:latest` with a prebuild step, FROM `sample/base:latest`. */
export function sampleSpec(overrides: Partial<BuildSpec> = {}): BuildSpec {
  return {
    buildId: '20261128T045006Z-2c2287bb59',
    entry: {
      id: 3,
      appId: 'sample',
      jobId: 'child',
      gitUrl: 'https://git.example.org/sample.git',
      gitBranch: 'master',
      gitPath: 'child',
      targetFile: 'Dockerfile',
      desiredTag: 'latest',
      notifyEmail: [],
      buildContext: './',
      prebuildScript: './prepare.sh',
      prebuildContext: 'child',
      dependsOn: ['sample/base:latest'],
      source: { file: 'index.d/sample.yaml', line: 20 },
    },
    commit: 'a'.repeat(40),
    imageRef: 'registry.example.org:5000/sample/child:latest',
    labels: { 'org.opencontainers.image.revision': 'a'.repeat(40), 'org.centos.ccp.build-id': '20261128T045006Z-2c2287bb59' },
    registry: { address: 'registry.example.org:5000', tlsVerify: true, username: 'pusher', password: 'never-in-the-job' },
    parentImages: { 'sample/base:latest': 'registry.example.org:5000/sample/base:latest' },
    timeouts: { prebuildMs: 600_000, buildMs: 1_800_000 },
    ...overrides,
  };
}
