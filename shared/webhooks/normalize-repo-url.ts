import path from 'node:path';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** `[user@]host:path`, git's scp-like syntax; a colon before any slash and no `://`. */
const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;
const REMOTE_SCHEMES = new Set(['http', 'https', 'ssh', 'git', 'git+ssh', 'ssh+git']);
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/**
 * One key per git repository, whatever form its URL takes: `https://github.com/a/b`,
 * `https://github.com/a/b.git`, `git@github.com:a/b.git` and `ssh://git@github.com/a/b` all give
 * `github.com/a/b`. The scheme, user, query, a trailing `/` or `.git` and the ssh port are
 * dropped; an http(s) port other than the default is kept (`host:8443/a/b`). Remote keys are
 * lower case: GitHub and GitLab ignore case in paths too, and missing a push because the index
 * spells the owner differently is worse than matching two repositories that differ only by
 * case. Local repositories (`/srv/git/a`, `file:///srv/git/a`) give `file:///srv/git/a`, case
 * kept. `null` when `url` is none of these.
 * @see https://git-scm.com/docs/git-clone#_git_urls
 */
export function normalizeRepoUrl(url: string): string | null {
  const text = url.trim();
  if (text === '') return null;
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'file') return localKey(decodeURIComponent(text.slice('file://'.length).replace(/^[^/]*/, '')));
  if (scheme !== undefined) return REMOTE_SCHEMES.has(scheme) ? urlKey(text, scheme) : null;
  if (text.startsWith('/')) return localKey(text);
  const scp = SCP_LIKE.exec(text);
  return scp ? remoteKey(scp[1]!, scp[2]!) : null;
}

/**
 * The host-less part of a {@link normalizeRepoUrl} key (`a/b` of `github.com/a/b`), which a
 * per-repository setting may use as its key; `null` for local repositories.
 */
export function repoPathKey(key: string): string | null {
  if (key.startsWith('file://')) return null;
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(slash + 1) : null;
}

function urlKey(text: string, scheme: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  if (parsed.hostname === '') return null;
  const keepPort = (scheme === 'http' || scheme === 'https') && parsed.port !== '' && parsed.port !== DEFAULT_PORTS[scheme];
  return remoteKey(keepPort ? `${parsed.hostname}:${parsed.port}` : parsed.hostname, decodeURIComponent(parsed.pathname));
}

function remoteKey(host: string, repoPath: string): string | null {
  const trimmed = trimRepoPath(repoPath);
  return trimmed === '' ? null : `${host}/${trimmed}`.toLowerCase();
}

function localKey(localPath: string): string | null {
  if (!localPath.startsWith('/')) return null;
  const normalized = path.posix
    .normalize(localPath)
    .replace(/\/+$/, '')
    .replace(/\/\.git$/, '');
  return normalized === '' ? null : `file://${normalized}`;
}

/** `/a//b.git/` → `a/b`. */
function trimRepoPath(repoPath: string): string {
  return repoPath
    .split('/')
    .filter((segment) => segment !== '')
    .join('/')
    .replace(/\.git$/i, '');
}
