import type { Finding } from '../../../../shared/dockerfile/types';

/**
 * hadolint's tty output without colours: one `file:line CODE level: message` per finding.
 * @see https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Formatter/TTY.hs
 */
export function formatTty(findings: Finding[]): string {
  return findings.map((finding) => `${finding.file}:${finding.line} ${finding.code} ${finding.level}: ${finding.message}\n`).join('');
}
