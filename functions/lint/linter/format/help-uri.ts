/**
 * Where a code is documented: hadolint's wiki for DLxxxx, ShellCheck's wiki for SCxxxx, the
 * Dockerfile reference for ccp's own codes.
 * @see https://github.com/hadolint/hadolint/wiki
 */
export function helpUri(code: string): string {
  if (code.startsWith('SC')) return `https://www.shellcheck.net/wiki/${code}`;
  if (code.startsWith('DL')) return `https://github.com/hadolint/hadolint/wiki/${code}`;
  return 'https://docs.docker.com/reference/dockerfile/';
}
