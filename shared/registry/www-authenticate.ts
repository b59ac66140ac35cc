/** One challenge of a `WWW-Authenticate` header. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (or `Basic realm="…"`); the
 * scheme is lower-cased, parameter values unquoted.
 * @see https://distribution.github.io/distribution/spec/auth/token/
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-www-authenticate
 */
export function parseWwwAuthenticate(header: string): AuthChallenge | null {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  for (const param of match[2].matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[param[1].toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3];
  }
  return { scheme: match[1].toLowerCase(), params };
}
