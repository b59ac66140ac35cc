/** Helpers the hostile end-to-end tests share. */

/** Resolves with the first non-null answer of `probe`, polled every `intervalMs`; throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * One container-index entry (YAML lines of a `Projects:` list item) building `<job>/Dockerfile`
 * of `gitUrl`'s main branch as `<appId>/<job>:latest`, with `extra` lines (prebuild, depends-on).
 * @see https://github.com/CentOS/container-index#the-indexd-files
 */
export function indexEntry(options: { id: number; appId: string; job: string; gitUrl: string; extra?: readonly string[] }): string {
  const { id, appId, job, gitUrl, extra = [] } = options;
  return [
    `  - id: ${id}`,
    `    app-id: ${appId}`,
    `    job-id: ${job}`,
    `    git-url: "${gitUrl}"`,
    '    git-branch: main',
    `    git-path: ${job}`,
    '    target-file: Dockerfile',
    '    desired-tag: latest',
    '    notify-email: owner@example.com',
    '    build-context: ./',
    ...extra,
  ].join('\n');
}

/** The `extra` lines of an entry whose prebuild is `<job>/prebuild.sh`. */
export function prebuildLines(job: string): string[] {
  return ['    prebuild-script: ./prebuild.sh', `    prebuild-context: ${job}`];
}
