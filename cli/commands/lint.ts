import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ValidationError, formatIssue } from '../../shared/errors/validation-error';
import { LINTER_VERSION } from '../../functions/lint/linter/version';
import { formatJson } from '../../functions/lint/linter/format/json';
import { formatSarif } from '../../functions/lint/linter/format/sarif';
import { formatTty } from '../../functions/lint/linter/format/tty';
import { lintDockerfile } from '../../functions/lint/linter/lint';
import { lintVerdict } from '../../functions/lint/linter/verdict';
import { loadLintConfig } from '../../functions/lint/linter/config/load';
import { type Finding, type LintConfig, type Threshold } from '../../shared/dockerfile/types';
import type { CliIo, Command } from '../types';

const USAGE = `Usage: ccp lint <Dockerfile> [--format tty|json|sarif] [--config FILE] [--no-shellcheck]
                [--failure-threshold error|warning|info|style|ignore|none]

Lints a Dockerfile with hadolint's rules (DLxxxx) and ShellCheck on RUN scripts (SCxxxx).
  --format F             tty (default): file:line CODE level: message
                         json: hadolint's JSON array of {code,column,file,level,line,message}
                         sarif: SARIF 2.1.0
  --config FILE          a .hadolint.yaml; without it .hadolint.yaml (or .yml) beside the
                         Dockerfile, then in the current folder, is used when present
  --no-shellcheck        do not run ShellCheck
  --failure-threshold L  lowest level that fails (default: the config's failure-threshold, else error)
Exit status: 0 when no finding is at or above the threshold, 1 when one is, 2 for a usage
error or an unreadable Dockerfile or configuration.`;

const FORMATS = ['tty', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const THRESHOLDS: Threshold[] = ['error', 'warning', 'info', 'style', 'ignore', 'none'];
const CONFIG_NAMES = ['.hadolint.yaml', '.hadolint.yml'];

interface LintArgs {
  dockerfile: string;
  format: Format;
  config?: string;
  shellcheck: boolean;
  threshold?: Threshold;
}

/**
 * `ccp lint <Dockerfile>`: hadolint-compatible output and exit status. `--config` is also one of
 * ccp's global options; for this command it names the `.hadolint.yaml`.
 * @see https://github.com/hadolint/hadolint#cli
 */
export const lintCommand: Command = {
  name: ['lint'],
  summary: 'lint a Dockerfile (hadolint rules and ShellCheck; tty, json or sarif output)',
  usage: USAGE,
  async run(argv, globals, io) {
    let args: LintArgs;
    try {
      args = parseLintArgs(argv, globals.config);
    } catch (error) {
      io.stderr(`ccp lint: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    let text: string;
    try {
      text = await readFile(path.resolve(io.cwd, args.dockerfile), 'utf8');
    } catch (error) {
      io.stderr(`ccp lint: cannot read Dockerfile ${args.dockerfile}: ${reason(error)}\n`);
      return 2;
    }
    let config: LintConfig | null;
    try {
      config = await findConfig(args, io);
    } catch (error) {
      if (error instanceof ValidationError) io.stderr(`ccp lint: invalid configuration:\n  ${error.errors.map(formatIssue).join('\n  ')}\n`);
      else io.stderr(`ccp lint: cannot read configuration ${args.config}: ${reason(error)}\n`);
      return 2;
    }
    const findings = await lintDockerfile(text, { file: args.dockerfile, config, shellcheck: args.shellcheck });
    io.stdout(render(findings, args.format));
    const threshold = args.threshold ?? config?.failureThreshold ?? 'error';
    return lintVerdict(findings, threshold).failed ? 1 : 0;
  },
};

function parseLintArgs(argv: string[], globalConfig: string | undefined): LintArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string', short: 'f', default: 'tty' },
      config: { type: 'string', short: 'c' },
      'no-shellcheck': { type: 'boolean', default: false },
      'failure-threshold': { type: 'string', short: 't' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'missing <Dockerfile>' : `one Dockerfile expected, got ${positionals.length}`);
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  const threshold = values['failure-threshold'] as Threshold | undefined;
  if (threshold !== undefined && !THRESHOLDS.includes(threshold)) {
    throw new Error(`--failure-threshold must be one of ${THRESHOLDS.join(', ')}, not "${threshold}"`);
  }
  return {
    dockerfile: positionals[0] as string,
    format,
    config: values.config ?? globalConfig,
    shellcheck: !values['no-shellcheck'],
    ...(threshold ? { threshold } : {}),
  };
}

/** The named config (which must exist), else `.hadolint.yaml` beside the Dockerfile, else in cwd. */
async function findConfig(args: LintArgs, io: CliIo): Promise<LintConfig | null> {
  if (args.config) {
    const config = await loadLintConfig(path.resolve(io.cwd, args.config));
    if (!config) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return config;
  }
  const folders = [...new Set([path.dirname(path.resolve(io.cwd, args.dockerfile)), io.cwd])];
  for (const folder of folders) {
    for (const name of CONFIG_NAMES) {
      const config = await loadLintConfig(path.join(folder, name));
      if (config) return config;
    }
  }
  return null;
}

function render(findings: Finding[], format: Format): string {
  if (format === 'json') return `${formatJson(findings)}\n`;
  if (format === 'sarif') return `${formatSarif(findings, { toolVersion: LINTER_VERSION })}\n`;
  return formatTty(findings);
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}
