/**
 * One project of the container index, with the names it has in the YAML file
 * (CentOS container-index format) turned into camelCase.
 */
export interface ProjectEntry {
  id: number;
  appId: string;
  jobId: string;
  gitUrl: string;
  gitBranch: string;
  /** Folder of the Dockerfile, relative to the repository root ('' or '.' is the root). */
  gitPath: string;
  /** Dockerfile name, relative to `gitPath`. */
  targetFile: string;
  desiredTag: string;
  notifyEmail: string[];
  /** Relative to `gitPath`. */
  buildContext: string;
  /** Relative to `prebuildContext`. */
  prebuildScript?: string;
  /** Relative to the repository root. */
  prebuildContext?: string;
  /** Parent images, `ns/name:tag` each; empty when none. */
  dependsOn: string[];
  /** Where the entry was written: index file and line of its first key. */
  source: { file: string; line: number };
}

/** The three names that identify an image in the index: `<app-id>/<job-id>:<desired-tag>`. */
export interface ProjectRef {
  appId: string;
  jobId: string;
  desiredTag: string;
}

/** `app-id/job-id:desired-tag`, the CloudEvent subject and the key used everywhere. */
export function imageName(ref: ProjectRef): string {
  return `${ref.appId}/${ref.jobId}:${ref.desiredTag}`;
}

/** Parses `app-id/job-id:tag` (tag defaults to `latest`); `null` when it is not of that shape. */
export function parseImageName(name: string): ProjectRef | null {
  const match = /^([a-z0-9][a-z0-9._-]*)\/([a-z0-9][a-z0-9._/-]*?)(?::([A-Za-z0-9_][A-Za-z0-9._-]{0,127}))?$/i.exec(name.trim());
  if (!match) return null;
  return { appId: match[1]!, jobId: match[2]!, desiredTag: match[3] ?? 'latest' };
}
