export { lintDockerfile, SHELLCHECK_UNAVAILABLE, type LintOptions } from './lint';
export { parseLintConfig, loadLintConfig } from './config';
export { lintVerdict, type LevelCounts } from './verdict';
export { formatJson, formatSarif, formatTty, helpUri } from './format';
export { rules } from './api';
export { PARSE_ERROR, NO_FROM } from './problems';
export { ShellcheckError } from './shellcheck';
export type { Finding, Level, LintConfig, Rule, Severity, Threshold } from './types';
export { CCP_LEVELS } from './levels';
