import type { ProjectEntry } from '../../shared/index/types';
import type { BuildLog, BuildSpec, RegistryAccess } from '../../shared/builds/builder-types';

/** An index entry for a project of a test repository. */
export function entryFor(gitUrl: string, overrides: Partial<ProjectEntry> = {}): ProjectEntry {
  return {
    id: 1,
    appId: 'sample',
    jobId: 'child',
    gitUrl,
    gitBranch: 'master',
    gitPath: 'app',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: [],
    buildContext: './',
    dependsOn: ['sample/base:latest'],
    source: { file: 'index.d/sample.yaml', line: 2 },
    ...overrides,
  };
}

/** A build of `entry` at `commit` into `registry`, FROM `sample/base:latest` of that registry. */
export function specFor(entry: ProjectEntry, commit: string, registry: RegistryAccess, overrides: Partial<BuildSpec> = {}): BuildSpec {
  const buildId = overrides.buildId ?? `20261128T000000Z-${Math.random().toString(16).slice(2, 10)}`;
  return {
    buildId,
    entry,
    commit,
    imageRef: `${registry.address}/${entry.appId}/${entry.jobId}:${entry.desiredTag}`,
    labels: {
      'org.opencontainers.image.source': entry.gitUrl,
      'org.opencontainers.image.revision': commit,
      'org.centos.ccp.build-id': buildId,
    },
    registry,
    parentImages: { 'sample/base:latest': `${registry.address}/sample/base:latest` },
    timeouts: { prebuildMs: 20_000, buildMs: 60_000 },
    ...overrides,
  };
}

/** A build log that keeps what it is given. */
export class MemoryLog implements BuildLog {
  readonly chunks: string[] = [];

  write(text: string): void {
    this.chunks.push(text);
  }

  get text(): string {
    return this.chunks.join('');
  }
}
