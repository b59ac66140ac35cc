/** What a build step may see of the host's environment; everything else (CCP_*, S3 keys…) stays out. */
const PASSED_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'TZ'] as const;

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * An environment built from an allow-list: `PATH`, `LANG`, `LC_ALL`, `TZ` from the host,
 * `HOME` as given, plus `extra`. Untrusted prebuild scripts and buildah get this instead of
 * `process.env`, so configured secrets never reach them.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap08.html
 */
export function minimalEnv(home: string, extra: Record<string, string> = {}, host: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: DEFAULT_PATH };
  for (const name of PASSED_THROUGH) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, HOME: home, ...extra };
}
