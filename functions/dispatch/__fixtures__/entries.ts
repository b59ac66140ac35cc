import type { ProjectEntry } from '../../../shared/index/types';

/** An index entry of the `team` app (`team/<jobId>:latest`, one repository per job), for the dispatcher's specs. */
export function teamEntry(jobId: string, overrides: Partial<ProjectEntry> = {}): ProjectEntry {
  return {
    id: 1,
    appId: 'team',
    jobId,
    gitUrl: `https://git.example.org/${jobId}.git`,
    gitBranch: 'main',
    gitPath: '.',
    targetFile: 'Dockerfile',
    desiredTag: 'latest',
    notifyEmail: ['team@example.org'],
    buildContext: './',
    dependsOn: [],
    source: { file: 'team.yaml', line: 1 },
    ...overrides,
  };
}

/** An index entry named `app/job:tag`, depending on `dependsOn`, for the cascade planning specs. */
export function namedEntry(name: string, dependsOn: string[] = []): ProjectEntry {
  const [appId, rest] = name.split('/') as [string, string];
  const [jobId, desiredTag] = rest.split(':') as [string, string];
  return {
    id: 1,
    appId,
    jobId,
    desiredTag,
    gitUrl: 'https://example.org/r',
    gitBranch: 'main',
    gitPath: jobId,
    targetFile: 'Dockerfile',
    notifyEmail: [],
    buildContext: './',
    dependsOn,
    source: { file: 'x.yaml', line: 1 },
  };
}
