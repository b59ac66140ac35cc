import { PARSE_ERROR } from '../problems';
import type { Finding } from '../../../../shared/dockerfile/types';

/**
 * hadolint's JSON output: an array of `{code, column, file, level, line, message}`, keys in
 * that order, positioned as hadolint positions them. hadolint reports every rule finding at its
 * instruction's first line and column 1, ShellCheck's included (a comment on the third line of a
 * `RUN` is at the `RUN`), and keeps a real column only for parse errors (DL1000). The exact
 * positions stay in the SARIF and tty outputs.
 * @see https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Formatter/Json.hs
 * @see https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Rule/Shellcheck.hs
 */
export function formatJson(findings: Finding[]): string {
  const placed = findings.map(({ code, column, file, level, line, message, instructionLine }) => ({
    code,
    column: code === PARSE_ERROR ? column : 1,
    file,
    level,
    line: instructionLine ?? line,
    message,
  }));
  // Stable: findings of one line keep the order the linter gave them.
  return JSON.stringify(placed.sort((a, b) => a.line - b.line));
}
