import type { Finding } from '../types';

/**
 * hadolint's JSON output: an array of `{code, column, file, level, line, message}`, keys in
 * that order.
 * @see https://github.com/hadolint/hadolint#output-formats
 */
export function formatJson(findings: Finding[]): string {
  return JSON.stringify(
    findings.map(({ code, column, file, level, line, message }) => ({ code, column, file, level, line, message })),
  );
}
