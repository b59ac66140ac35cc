import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config/config';
import { IndexSourceError } from '../../shared/index/errors';
import { isGitUrl, loadIndex } from '../../shared/index/load';
import type { IndexIssue, LoadedIndex } from '../../shared/index/types';
import type { CliIo, Command } from '../types';

const USAGE = `Usage: ccp index validate <dir|git-url> [--branch B] [--json]

Checks a container index: a folder of index files (*.yaml, *.yml), a folder holding index.d/,
or a git repository (cloned with --depth 1). Prints one line per problem,
  file:line:column: error|warning field: message
then "N projects, E errors, W warnings". File names are relative to the folder or repository.
  --branch B   branch of the git repository (default: its default branch)
  --json       print {"projects": N, "errors": [...], "warnings": [...]} instead
Exit status: 0 without errors, 1 with errors, 2 for a usage error.`;

/** The `--json` output, as the issue fixes it. */
export interface IndexValidateReport {
  projects: number;
  errors: Array<Pick<IndexIssue, 'file' | 'line' | 'column' | 'field' | 'message'>>;
  warnings: Array<Pick<IndexIssue, 'file' | 'line' | 'column' | 'field' | 'message'>>;
}

/**
 * `ccp index validate <dir|git-url> [--branch B] [--json]`: loads an index and reports every
 * problem with file, line, column and field.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export const indexValidateCommand: Command = {
  name: ['index', 'validate'],
  summary: 'check a container index (folder or git URL) and list its problems',
  usage: USAGE,
  async run(argv, globals, io) {
    let location: string;
    let options: { branch?: string; json: boolean };
    try {
      const { values, positionals } = parseArgs({
        args: argv,
        options: { branch: { type: 'string' }, json: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'missing <dir|git-url>' : `one location expected, got ${positionals.length}`);
      location = positionals[0]!;
      options = { branch: values.branch, json: values.json ?? false };
    } catch (error) {
      io.stderr(`ccp index validate: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }

    const resolved = isGitUrl(location) ? location : path.resolve(io.cwd, location);
    let index: LoadedIndex;
    try {
      // The index.max* limits of the configuration (CCP_INDEX_MAX_*, --config) bound what is read.
      index = await loadIndex(resolved, { branch: options.branch, limits: loadConfig(globals, io.env).indexLimits });
    } catch (error) {
      if (!(error instanceof IndexSourceError)) throw error;
      return reportSourceError(error, location, options.json, io);
    }
    if (options.json) io.stdout(`${JSON.stringify(toReport(index))}\n`);
    else io.stdout(renderHuman(index));
    return index.errors.length > 0 ? 1 : 0;
  },
};

/** The `--json` document for a loaded index. */
export function toReport(index: LoadedIndex): IndexValidateReport {
  const plain = ({ file, line, column, field, message }: IndexIssue) => ({ file, line, column, field, message });
  return { projects: index.projects.length, errors: index.errors.map(plain), warnings: index.warnings.map(plain) };
}

/** One `file:line:column: level field: message` line per issue, errors and warnings in file order, then the summary. */
export function renderHuman(index: LoadedIndex): string {
  const lines = [...index.errors.map((issue) => ({ issue, level: 'error' })), ...index.warnings.map((issue) => ({ issue, level: 'warning' }))]
    .sort((a, b) => (a.issue.file < b.issue.file ? -1 : a.issue.file > b.issue.file ? 1 : a.issue.line - b.issue.line || a.issue.column - b.issue.column))
    .map(({ issue, level }) => `${issue.file}:${issue.line}:${issue.column}: ${level} ${issue.field || '(file)'}: ${issue.message}`);
  lines.push(`${index.projects.length} projects, ${index.errors.length} errors, ${index.warnings.length} warnings`);
  return `${lines.join('\n')}\n`;
}

function reportSourceError(error: IndexSourceError, location: string, json: boolean, io: CliIo): number {
  if (json) {
    const report: IndexValidateReport = {
      projects: 0,
      errors: [{ file: location, line: 1, column: 1, field: 'location', message: error.message }],
      warnings: [],
    };
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    io.stderr(`ccp index validate: ${error.message}\n`);
  }
  return 1;
}
