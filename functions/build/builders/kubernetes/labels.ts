/** Label and annotation keys on build Jobs and their pods. */
export const LABELS = {
  buildId: 'ccp.centos.org/build-id',
  appId: 'ccp.centos.org/app-id',
  jobId: 'ccp.centos.org/job-id',
  tag: 'ccp.centos.org/tag',
} as const;

/** Exact values that labels cannot hold (a label value is at most 63 characters of `[A-Za-z0-9._-]`). */
export const ANNOTATIONS = {
  buildId: 'ccp.centos.org/build-id',
  imageRef: 'ccp.centos.org/image-ref',
  /** `app-id/job-id:tag`, exactly. */
  project: 'ccp.centos.org/project',
  gitUrl: 'ccp.centos.org/git-url',
  commit: 'ccp.centos.org/commit',
  prebuildScript: 'ccp.centos.org/prebuild-script',
} as const;

/**
 * `value` as a valid label value: characters outside `[A-Za-z0-9._-]` become `_`, at most 63
 * characters, starting and ending with a letter or digit.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * The Job's name for a build: `ccp-build-<build id>`, lower case, DNS-1123, at most 63
 * characters (the pods Kubernetes makes add a suffix to it).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
 */
export function jobNameFor(buildId: string): string {
  const name = `ccp-build-${buildId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
  return name.slice(0, 52).replace(/-+$/, '');
}
