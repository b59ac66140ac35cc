import { rules } from './api';
import { buildContext } from '../../../shared/dockerfile/context';
import { CCP_LEVELS } from './levels';
import { isIgnoredByPragma, readPragmas } from './pragma';
import { findProblems, PARSE_ERROR } from './problems';
import { ShellcheckError, shellcheckDockerfile } from './shellcheck';
import type { Finding, Level, LintConfig, Severity } from '../../../shared/dockerfile/types';

/** ccp's code for "ShellCheck could not run, RUN scripts were not checked". */
export const SHELLCHECK_UNAVAILABLE = 'CCP2001';

export interface LintOptions {
  /** Path reported in every finding, as given (hadolint prints it as given too). */
  file: string;
  config?: LintConfig | null;
  /** Run ShellCheck over `RUN` scripts (default true). */
  shellcheck?: boolean;
  /** The ShellCheck executable (default `shellcheck` on PATH). */
  shellcheckCommand?: string;
  /** Default levels: ccp's (`CCP_LEVELS`, the default) or hadolint's own. */
  levels?: 'ccp' | 'hadolint';
}

/**
 * Lints a Dockerfile with hadolint's rules and ShellCheck, honouring `.hadolint.yaml`
 * (`ignored`, `override`, `trustedRegistries`) and `# hadolint ignore=` comments. Never throws
 * for bad input: an unparsable file yields DL1000 findings, a missing FROM CCP1001, a missing
 * ShellCheck CCP2001.
 * @see https://github.com/hadolint/hadolint#rules
 */
export async function lintDockerfile(text: string, options: LintOptions): Promise<Finding[]> {
  const config = options.config ?? {};
  const context = buildContext(text, options.file, config.trustedRegistries ?? []);
  const found: RawFinding[] = [];
  const problems = findProblems(context);
  const add = (code: string, severity: Severity, line: number, column: number, message: string, instructionLine?: number): void => {
    found.push({ code, severity, line, column, message, ...(instructionLine !== undefined && instructionLine !== line ? { instructionLine } : {}) });
  };
  problems.forEach((problem) => add(problem.code, 'error', problem.line, problem.column ?? 1, problem.message));
  const binary = problems.some((problem) => problem.code === PARSE_ERROR && problem.line === 1 && problem.message.includes('NUL'));
  if (!binary) {
    for (const rule of rules.values()) {
      rule.check(context).forEach((finding) => add(rule.id, rule.severity, finding.line, finding.column ?? 1, finding.message ?? rule.summary));
    }
    if (options.shellcheck !== false) {
      try {
        const comments = await shellcheckDockerfile(context, options.shellcheckCommand);
        comments.forEach((comment) => add(comment.code, comment.level, comment.line, comment.column, comment.message, comment.instructionLine));
      } catch (error) {
        if (!(error instanceof ShellcheckError)) throw error;
        add(SHELLCHECK_UNAVAILABLE, 'warning', 1, 1, `RUN scripts were not checked: ${error.message}`);
      }
    }
  }
  const pragmas = config.disableIgnorePragma ? null : readPragmas(context);
  const ignored = new Set(config.ignored ?? []);
  const findings: Finding[] = [];
  for (const item of found) {
    const level = effectiveLevel(item.code, item.severity, config, options.levels !== 'hadolint');
    if (level === null || ignored.has(item.code)) continue;
    if (pragmas && isIgnoredByPragma(pragmas, item.code, item.line)) continue;
    const at = item.instructionLine === undefined ? {} : { instructionLine: item.instructionLine };
    findings.push({ code: item.code, column: item.column, file: options.file, level, line: item.line, message: item.message, ...at });
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
}

const LEVELS: Level[] = ['error', 'warning', 'info', 'style'];

/** A finding before configuration decides its level. */
interface RawFinding {
  code: string;
  severity: Severity;
  line: number;
  column: number;
  message: string;
  instructionLine?: number;
}

/** The level a code reports at: `override` first, then ccp's defaults, then hadolint's; null when off. */
function effectiveLevel(code: string, severity: Severity, config: LintConfig, ccpLevels: boolean): Level | null {
  const overridden = LEVELS.find((level) => config.override?.[level]?.includes(code));
  if (overridden) return overridden;
  if (ccpLevels && CCP_LEVELS[code]) return CCP_LEVELS[code];
  return severity === 'ignore' ? null : severity;
}
