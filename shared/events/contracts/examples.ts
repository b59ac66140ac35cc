import type { ProjectEntry } from '../../index/types';
import type { BuildCause, ProjectRefData } from './parts';

/** Pieces the contracts' examples share: one image of the index and the cause of its build. */
export const EXAMPLE_PROJECT: ProjectRefData = { appId: 'centos', jobId: 'httpd', desiredTag: 'latest' };

export const EXAMPLE_ENTRY: ProjectEntry = {
  id: 1,
  appId: 'centos',
  jobId: 'httpd',
  gitUrl: 'https://github.com/CentOS/container-images',
  gitBranch: 'master',
  gitPath: 'httpd',
  targetFile: 'Dockerfile',
  desiredTag: 'latest',
  notifyEmail: ['maintainer@example.com'],
  buildContext: './',
  dependsOn: ['centos/centos:7'],
  source: { file: 'index.d/centos.yaml', line: 3 },
};

export const EXAMPLE_CAUSE: BuildCause = {
  kind: 'git-push',
  message: 'Git commit 1a2b3c4 to branch master of repo https://github.com/CentOS/container-images',
  commit: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  branch: 'master',
  repoUrl: 'https://github.com/CentOS/container-images',
};

export const EXAMPLE_BUILD_ID = '20261128T050102Z-3f2a9c1b7e';
